import FTTHCore

/// What the acceptance engine needs to know besides the store and the OLTs: how results are
/// judged, where CVLANs come from, and how long and how often it waits and retries.
public struct EngineConfiguration: Sendable {
    /// Threshold profiles by name.
    public var profiles: [String: ThresholdProfile]
    /// Test CVLAN ranges from the configuration (stored ranges add to these).
    public var cvlanRanges: [CVLANRange]
    /// How long a provisioned test ONU may take to come online before its port is judged
    /// without light.
    public var onlineTimeout: Duration
    /// How often the ONU's run state is asked while waiting.
    public var pollInterval: Duration
    /// Port tests working on one OLT at once: a real OLT's CPU answers slowly under load.
    public var maxConcurrentPerOLT: Int
    /// Tries of one step that fails for a transient reason (the OLT unreachable).
    public var maxAttempts: Int
    /// The first wait before a retry; doubled each time, never more than `maximumBackoff`.
    public var backoff: Duration
    public var maximumBackoff: Duration
    /// How test ONUs authenticate on each OLT, and how a port's password is made.
    public var activation = ActivationPolicy()
    /// How service tests run: the wait for a probe's result, the fraction of the plan that passes.
    public var service = ServiceTestPolicy()
    /// The figures the diagnosis of a recorded result predicts its loss with (`[diagnosis]`).
    public var lossFigures = LossFigures.standard
    /// Set when several daemons share the store (PostgreSQL): this daemon executes the runs it
    /// holds a lease on, and takes over the runs whose lease ran out. Nil: one daemon, which
    /// executes every run.
    public var cluster: ClusterMembership?
    /// Called at each ``EngineCheckpoint`` of a run, before the work that follows it: the
    /// daemon's crash tests stop the process there (`FTTH_ACCEPTD_CRASH_AT`); nil otherwise.
    public var checkpoint: (@Sendable (EngineCheckpoint, PortKey) -> Void)?

    public init(
        profiles: [String: ThresholdProfile], cvlanRanges: [CVLANRange] = [], onlineTimeout: Duration = .seconds(120),
        pollInterval: Duration = .seconds(5), maxConcurrentPerOLT: Int = 4, maxAttempts: Int = 3,
        backoff: Duration = .seconds(2), maximumBackoff: Duration = .seconds(60)
    ) {
        precondition(maxConcurrentPerOLT >= 1 && maxAttempts >= 1, "limits must be at least 1")
        self.profiles = profiles
        self.cvlanRanges = cvlanRanges
        self.onlineTimeout = onlineTimeout
        self.pollInterval = pollInterval
        self.maxConcurrentPerOLT = maxConcurrentPerOLT
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.maximumBackoff = maximumBackoff
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    func delay(afterAttempt attempt: Int) -> Duration {
        Backoff(initial: backoff, maximum: maximumBackoff).delay(afterFailures: attempt)
    }
}

/// A daemon among several on one store: how it holds the runs it executes (``RunLeaseStore``).
public struct ClusterMembership: Sendable, Hashable {
    /// This daemon's process, unique while it runs (`name/pid/…`).
    public var holder: String
    /// What the holders of this daemon's earlier processes start with (`name/`): their runs are
    /// resumed at start-up without waiting for their leases to run out. Nil: none are.
    public var predecessor: String?
    /// How long a lease holds unless renewed: the longest another daemon waits to take over the
    /// runs of a daemon that died. It must exceed twice the longest OLT command (the command
    /// timeout): a daemon that cannot renew stops at half of it, and a command under way then
    /// ends before another daemon may start.
    public var lease: Duration
    /// How often leases are renewed: a third of ``lease``.
    public var renewEvery: Duration { lease / 3 }
    /// How often runs nobody holds are looked for.
    public var pollEvery: Duration
    /// The most runs this daemon executes at once before it stops taking runs nobody holds (most
    /// of their time runs wait for an ONU or a probe). Runs begun through this daemon, and its
    /// own resumed after a restart, are executed even above it.
    public var maxRuns: Int

    public init(
        holder: String, predecessor: String? = nil, lease: Duration = .seconds(30), pollEvery: Duration = .seconds(2),
        maxRuns: Int = 100
    ) {
        precondition(maxRuns >= 1, "a daemon executes at least one run")
        self.holder = holder
        self.predecessor = predecessor
        self.lease = lease
        self.pollEvery = pollEvery
        self.maxRuns = maxRuns
    }
}

/// The points between two steps of a port test where a process may stop (SIGKILL, power loss):
/// each is a place the store and the OLT can disagree, and a restart must make them agree again.
public enum EngineCheckpoint: String, Sendable, Hashable, CaseIterable {
    /// The run is stored, its CVLAN reserved; nothing was sent to the OLT.
    case begun
    /// The OLT added the test ONU; the store does not know its id yet.
    case provisioned
    /// The test ONU is online (or its wait ended); the store still says awaiting_online.
    case online
    /// The optics were read and judged; nothing is recorded yet.
    case read
    /// The result is recorded and the run ended.
    case recorded
    /// A test ONU was removed from the OLT at deactivation; the store still holds it activated.
    case removed
}

/// Gives the engine a driver for an OLT, and the profiles its test ONUs are provisioned with.
public protocol OLTDriverProvider: Sendable {
    /// The driver for `olt`; throws ``OLTDriverError`` (`invalidInput`) when the configuration
    /// says nothing about how to reach it.
    func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver
    /// The line and service profiles of test ONUs on `olt`.
    func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String)
}
