import FTTHCore
import FTTHMetrics
import Foundation
import Logging

/// What a port test is doing, for live progress (the API's server-sent events, ftthctl).
/// Codable: the daemons of a cluster pass it to each other (``AcceptanceEngine/receiveRemote(_:)``).
public struct TestProgress: Sendable, Hashable, Codable {
    public var run: TestRun
    /// A sentence for the crew: what happens now or what went wrong.
    public var message: String
    /// Set once a line result is recorded.
    public var verdict: LineVerdict?
    /// Set once the service result is recorded (projects that need a service test).
    public var service: ServiceVerdict?
    /// Set on the event of the read: the four powers as read, and when and how.
    public var readings: OpticalReadings?
    public var provenance: ReadingProvenance?
    /// While the service test runs: waiting for a probe, or a probe dialling.
    public var serviceState: ServiceTestState?
    /// While the probe measures: the session's phases, then the download (never stored).
    public var serviceProgress: ServiceProgress?
    /// On the event of the recorded line result: where its light is most likely lost, and its
    /// splitter's diagnosis as a whole; nil when they could not be computed. Advisory.
    public var diagnosis: Diagnosis?
    public var splitterDiagnosis: SplitterDiagnosis?
    /// Published by another daemon of the cluster, which executes the run; passed on to this
    /// daemon's followers, never sent back out.
    public var remote = false
}

/// What the engine reads and writes: the acceptance data, the runs, the limits, the service
/// tests, and the results the diagnosis compares.
public typealias EngineStore = AcceptanceStore & TestRunStore & ThresholdStore & ServiceTestStore & DiagnosisStore
    & RunLeaseStore & PermitStore

/// Runs port tests (DESIGN §2 steps 2–3): provision the test ONU with the reserved CVLAN, wait
/// for it to come online, read the four powers, judge and record them. Each step is persisted
/// before it starts, so a restarted engine resumes every run where it stood (``resume()``).
/// Transient OLT failures are retried with backoff; permanent ones end the run with the OLT's
/// words. Per-OLT limits keep the load on each OLT small.
public actor AcceptanceEngine {
    let store: any EngineStore
    let drivers: any OLTDriverProvider
    let configuration: EngineConfiguration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let limiter: OLTWorkLimiter
    let logger: Logger
    /// How runs end and how long their steps take (``FTTHMetrics/EngineMetrics``).
    let metrics: EngineMetrics
    /// In a cluster: the leases this daemon holds and the runs it took over
    /// (``FTTHMetrics/ClusterMetrics``).
    let clusterMetrics: ClusterMetrics
    var cancelled: Set<Int64> = []
    var cancellationRelay: AsyncStream<Int64>.Continuation?
    /// Runs being executed now: a run is never executed twice at once (a started run may also
    /// be found active by `resume`).
    var executing: Set<Int64> = []
    var subscribers: [UUID: AsyncStream<TestProgress>.Continuation] = [:]
    /// In a cluster: the task executing each run this daemon holds, and when its lease was
    /// last renewed (``run()``'s lease keeper cancels a run whose lease is lost).
    var executions: [Int64: Task<Void, Never>] = [:]
    var renewedAt: [Int64: Date] = [:]
    /// Runs begun by ``start(_:serial:profile:)``, executed by ``run()``.
    let queue: AsyncStream<TestRun>
    let queueInput: AsyncStream<TestRun>.Continuation

    /// `clock` times waits, backoff and the steps' durations (inject a test clock); `now` stamps
    /// records; `metrics` counts how runs end and times their steps; `clusterMetrics` counts the
    /// leases held and the runs taken over when ``EngineConfiguration/cluster`` is set.
    public init(
        store: any EngineStore, drivers: any OLTDriverProvider,
        configuration: EngineConfiguration,
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger = Logger(label: "ftth.engine"), metrics: EngineMetrics = EngineMetrics(),
        clusterMetrics: ClusterMetrics = ClusterMetrics()
    ) {
        self.logger = logger
        self.metrics = metrics
        self.clusterMetrics = clusterMetrics
        self.store = store
        self.drivers = drivers
        self.configuration = configuration
        self.clock = clock
        self.now = now
        limiter = OLTWorkLimiter(
            limit: configuration.maxConcurrentPerOLT,
            shared: configuration.cluster.map {
                SharedOLTLimit(
                    store: store, holder: $0.holder, lease: $0.lease, retry: .milliseconds(100), clock: clock, now: now)
            })
        (queue, queueInput) = AsyncStream<TestRun>.makeStream()
    }

    /// Begins a run (``begin(_:serial:profile:by:)``) and hands it to ``run()`` to execute.
    public func start(_ port: PortKey, serial: ONUSerial? = nil, profile: String, by: String? = nil) async throws
        -> TestRun
    {
        let run = try await begin(port, serial: serial, profile: profile, by: by)
        queueInput.yield(run)
        return run
    }

    /// The engine's life in the daemon: reconciles the OLTs with the store, resumes the runs a
    /// previous process left, then executes every run ``start(_:serial:profile:by:)`` begins, until
    /// cancelled. On cancellation (SIGTERM) runs park in their persisted step and resume on the
    /// next start.
    public func run() async {
        await reconcileAtStart()
        if let cluster = configuration.cluster { return await runInCluster(cluster) }
        let resumed = (try? await store.activeTestRuns()) ?? []
        let queue = self.queue
        await withDiscardingTaskGroup { group in
            for run in resumed { group.addTask { _ = await self.execute(run) } }
            for await run in queue { group.addTask { _ = await self.execute(run) } }
        }
        // Stopping: end every progress stream, so live views (server-sent events) close and
        // the HTTP server can finish its requests.
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    func reconcileAtStart() async {
        do {
            let report = try await reconcile()
            logger.notice(
                "reconciled the OLTs with the store",
                metadata: [
                    "removed": "\(report.removed.map(\.description))",
                    "missing": "\(report.missing.map(\.description))",
                    "unreadable": "\(report.unreadable)",
                ])
        } catch {
            logger.error("reconciliation could not read the store: \(error); it runs again at the next start")
        }
    }

    // MARK: Progress

    /// Every progress event from now on, until the stream is dropped.
    public func progress() -> AsyncStream<TestProgress> {
        let (stream, continuation) = AsyncStream<TestProgress>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    /// Progress another daemon of the cluster published for a run it executes: this daemon's
    /// followers (live views, `/v1/events`) see it as if the run were executed here.
    public func receiveRemote(_ progress: TestProgress) {
        var event = progress
        event.remote = true
        for continuation in subscribers.values { continuation.yield(event) }
    }

    /// How many progress streams are open: the live views a daemon is feeding.
    public var progressSubscriberCount: Int { subscribers.count }

    func publish(
        _ run: TestRun, _ message: String, verdict: LineVerdict? = nil, service: ServiceVerdict? = nil,
        readings: OpticalReadings? = nil, provenance: ReadingProvenance? = nil, serviceState: ServiceTestState? = nil,
        serviceProgress: ServiceProgress? = nil, diagnosis: Diagnosis? = nil,
        splitterDiagnosis: SplitterDiagnosis? = nil
    ) {
        logger.info(
            "\(message)",
            metadata: [
                "run.id": "\(run.id)", "port.id": "\(run.port.key)", "olt.id": "\(run.port.olt)",
                "step": "\(run.step.rawValue)",
            ])
        let event = TestProgress(
            run: run, message: message, verdict: verdict, service: service, readings: readings,
            provenance: provenance, serviceState: serviceState, serviceProgress: serviceProgress,
            diagnosis: diagnosis, splitterDiagnosis: splitterDiagnosis)
        for continuation in subscribers.values { continuation.yield(event) }
    }

    /// What the probe dialling service test `testID` says before its result (``ServiceProgress``):
    /// published to whoever follows the run, live, and nothing else; the result is what counts.
    /// Throws ``StoreError/notFound(_:)`` for an unknown test and
    /// ``StoreError/conflict(location:message:)`` unless `probe` holds the test now.
    public func reportServiceProgress(testID: Int64, _ progress: ServiceProgress, by probe: String) async throws {
        guard let test = try await store.serviceTest(id: testID) else {
            throw StoreError.notFound("service test \(testID)")
        }
        guard test.state == .claimed, test.verdict == nil, test.claimedBy == probe else {
            let why =
                switch test.state {
                case _ where test.verdict != nil: "its result is in"
                case .waiting: "no probe has taken it"
                case .claimed: "probe \(test.claimedBy ?? "?") has taken it"
                case .done: "it has ended"
                }
            throw StoreError.conflict(
                location: nil,
                message: "service test \(testID): \(why); only the probe dialling it reports its progress")
        }
        guard let run = try await store.testRun(id: test.runID) else {
            throw StoreError.notFound("test run \(test.runID)")
        }
        let ms = progress.phases.total.map { " in \($0) ms" } ?? ""
        let message =
            switch progress.stage {
            case .up: "probe \(probe): session up\(progress.ip.map { " as \($0)" } ?? "")\(ms); measuring the download"
            case .downMeasured:
                "probe \(probe): down \(progress.downMbps.map { String(format: "%.1f", $0) } ?? "?") Mbit/s; measuring the upload"
            }
        publish(run, message, serviceState: .claimed, serviceProgress: progress)
    }

    // MARK: Starting, cancelling, resuming

    /// Persists a new run of `port` with the test ONT `serial` the crew scanned (or the one
    /// stored for the port), its CVLAN reserved and the limits of `profile` in force now (the
    /// store's, as an administrator last set them) kept with it; ``execute(_:)`` does the work.
    /// Throws a ``StoreError`` when the port is unknown, already under test, or no CVLAN is free,
    /// and `EngineError.unknownProfile` for a profile that does not exist.
    public func begin(_ port: PortKey, serial: ONUSerial? = nil, profile: String, by: String? = nil) async throws
        -> TestRun
    {
        let profiles = try await store.thresholdProfiles(configured: configuration.profiles)
        guard let limits = profiles.first(where: { $0.name == profile }) else {
            throw EngineError.unknownProfile(profile, known: profiles.map(\.name))
        }
        try await assignPassword(port)
        let at = now()
        let run: TestRun
        if let cluster = configuration.cluster {
            // Leased in the same transaction: no other daemon takes the run before this one runs it.
            run = try await store.beginTestRun(
                port, serial: serial, profile: limits, configuredRanges: configuration.cvlanRanges, by: by,
                lease: RunLease(holder: cluster.holder, until: at.addingTimeInterval(cluster.lease.seconds)), at: at)
            renewedAt[run.id] = at
        } else {
            run = try await store.beginTestRun(
                port, serial: serial, profile: limits, configuredRanges: configuration.cvlanRanges, by: by, at: at)
        }
        configuration.checkpoint?(.begun, run.port.key)
        publish(run, "test started: CVLAN \(run.cvlan) reserved, provisioning \(run.port.onuName)")
        return run
    }

    /// A port on an OLT whose test ONUs authenticate by password gets its password before its
    /// first test (every port of its project without one gets one then): the crew reads it on
    /// the activation list and sets it on the test ONT. It is never logged.
    func assignPassword(_ port: PortKey) async throws {
        let policy = configuration.activation
        guard policy.authentication == .password || !policy.passwordOLTs.isEmpty else { return }
        guard let row = try await store.activationList(projectCode: port.projectCode).first(where: { $0.key == port }),
            policy.authentication(for: row.olt) == .password, row.onuPassword == nil
        else { return }
        _ = try await store.assignONUPasswords(
            projectCode: port.projectCode, olts: [row.olt], generate: { policy.newPassword() }, at: now())
    }

    /// Asks a run to stop after its current step; the test ONU, if provisioned, stays. In a
    /// cluster the run may be executing in another daemon, or be taken over by one: a cancel
    /// asked of this daemon goes to ``cancellations()`` for the others, and theirs arrive with
    /// `fromAnotherDaemon` (not passed on again).
    public func cancel(runID: Int64, fromAnotherDaemon: Bool = false) {
        cancelled.insert(runID)
        if !fromAnotherDaemon { cancellationRelay?.yield(runID) }
    }

    /// The runs cancelled through this daemon from now on, for the other daemons of a cluster.
    /// One listener: a second call ends the first's stream.
    public func cancellations() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(256))
        cancellationRelay?.finish()
        cancellationRelay = continuation
        return stream
    }

    /// Runs every active run found in the store (after a restart) to its end, concurrently.
    public func resume() async {
        guard let runs = try? await store.activeTestRuns() else { return }
        await withTaskGroup(of: Void.self) { group in
            for run in runs { group.addTask { _ = await self.execute(run) } }
        }
    }

    // MARK: The steps

    /// Takes `run` from its current step to its end and returns it as it ended. Never throws:
    /// every failure ends the run with its reason, persisted.
    public func execute(_ start: TestRun) async -> TestRun {
        guard executing.insert(start.id).inserted else { return start }
        defer { executing.remove(start.id) }
        // A run can arrive twice (found by the resume at start-up and queued by `start`); when
        // the other copy has already finished it, this one is stale. Work from the stored run,
        // so an ended run is never provisioned again.
        var run = start
        if let stored = try? await store.testRun(id: start.id) { run = stored }
        guard run.step.isActive else { return run }
        if cancelled.remove(run.id) != nil { return await end(run, .cancelled, "cancelled") }
        let driver: any OLTDriver
        do {
            driver = try drivers.driver(for: run.port.olt, dialect: run.port.dialect)
        } catch {
            return await end(run, .failed, "no way to reach OLT \(run.port.olt): \(error)")
        }
        while run.step.isActive {
            // SIGTERM: leave the run in its persisted step; the next start resumes it.
            if Task.isCancelled { return run }
            if cancelled.contains(run.id) {
                cancelled.remove(run.id)
                return await end(run, .cancelled, "cancelled")
            }
            let stopwatch = Stopwatch(clock)
            let timed = PortTestStep(rawValue: run.step.rawValue)
            do {
                switch run.step {
                case .provisioning: run = try await provision(run, driver)
                case .awaitingOnline: run = try await awaitOnline(run, driver)
                case .reading: run = try await read(run, driver)
                case .awaitingService: run = try await awaitService(run)
                case .finished, .failed, .cancelled: break
                }
                // A step left for a cancellation mid-wait did not end: it is not timed.
                if let timed, run.step.rawValue != timed.rawValue {
                    metrics.step(timed, run.step == .failed ? .error : .ok, took: stopwatch.elapsed())
                }
            } catch _ where Task.isCancelled {
                return run
            } catch {
                if let timed { metrics.step(timed, .error, took: stopwatch.elapsed()) }
                guard let error = error as? OLTDriverError, error.isTransient else {
                    return await end(run, .failed, "\(run.step.rawValue) failed: \(error)")
                }
                let attempt = run.attempt + 1
                guard attempt < configuration.maxAttempts else {
                    return await end(
                        run, .failed, "gave up after \(attempt) attempts at \(run.step.rawValue): \(error)")
                }
                run =
                    (try? await store.advanceTestRun(
                        run.id, to: run.step, onuID: run.onuID, attempt: attempt, outcome: "retrying: \(error)",
                        at: now()))
                    ?? run
                publish(run, "\(run.step.rawValue): \(error); retrying (attempt \(attempt + 1))")
                try? await clock.sleep(for: configuration.delay(afterAttempt: attempt))
            }
        }
        return run
    }

    func end(_ run: TestRun, _ step: TestRunStep, _ outcome: String) async -> TestRun {
        do {
            let ended = try await store.advanceTestRun(
                run.id, to: step, onuID: run.onuID, attempt: run.attempt, outcome: outcome, at: now())
            if ended.step == .cancelled {
                metrics.ended(.cancelled)
            } else if ended.step == .failed {
                metrics.ended(.error)
            }
            publish(ended, outcome)
            return ended
        } catch {
            // The store itself failed: the run stays active and is resumed on the next start.
            publish(run, "\(outcome); recording that failed too (\(error)), the run resumes on restart")
            return run
        }
    }

    func provision(_ run: TestRun, _ driver: any OLTDriver) async throws -> TestRun {
        if let serial = run.port.onuSerial { try await freeTestONT(serial, for: run) }
        try await removeEarlierTestONUs(run, driver)
        let profiles = drivers.provisioningProfiles(for: run.port.olt)
        var spec = run.onuSpec(lineProfile: profiles.line, serviceProfile: profiles.service)
        if configuration.activation.authentication(for: run.port.olt) == .password {
            guard run.port.onuPassword != nil else {
                throw EngineError.noPassword(run.port.key)
            }
            spec.serial = nil
        } else {
            spec.password = nil
            spec.serial = run.serial ?? run.port.onuSerial
        }
        let provisioning = spec
        let onuID: Int
        do {
            onuID = try await limiter.withSlot(run.port.olt) { try await driver.provision(provisioning) }
        } catch let error as OLTDriverError {
            // An OLT that refuses the password may repeat it (in its error, or in the command line
            // the driver names); the outcome, the progress stream and the log never carry it.
            throw provisioning.password.map(error.redacting) ?? error
        } catch {
            if let password = provisioning.password, "\(error)".contains(password) {
                throw RedactedError(error, secret: password)
            }
            throw error
        }
        configuration.checkpoint?(.provisioned, run.port.key)
        let next = try await store.advanceTestRun(
            run.id, to: .awaitingOnline, onuID: onuID, attempt: 0, outcome: nil, at: now())
        publish(next, "test ONU \(run.port.onuName) provisioned as ONU \(onuID); waiting for it to come online")
        return next
    }

    /// A crew carries one test ONT from port to port, and an OLT takes a serial only once: when
    /// `serial` was tested on another port of this OLT and that port's test ONU is still there,
    /// that ONU is removed first (the port's result stays, its history says where the ONT went).
    /// A test still running on that port holds the ONT: then this run fails and names it.
    func freeTestONT(_ serial: ONUSerial, for run: TestRun) async throws {
        let others = try await store.ports(withSerial: serial, olt: run.port.olt).filter { $0.key != run.port.key }
        guard !others.isEmpty else { return }
        let running = try await store.activeTestRuns()
        for other in others {
            if let busy = running.first(where: { $0.port.key == other.key }) {
                throw EngineError.testONTBusy(serial, port: other.key, runID: busy.id)
            }
            guard other.workflow.activation == .activated else { continue }
            try await deactivatePort(other)
            try await store.notePort(
                other.key, event: "test_ont_moved",
                detail:
                    "test ONT \(serial) moved to \(run.port.key): test ONU \(other.onuName) removed from OLT \(other.olt); this port's result stays",
                at: now())
            publish(
                run,
                "test ONT \(serial) was last tested on \(other.key): its test ONU \(other.onuName) is removed first, its result stays"
            )
        }
    }

    /// A port tested again with another test ONT (a mistyped serial corrected, a second ONT):
    /// the test ONU an earlier run added with the other serial carries the same name and is
    /// removed first, so the port never holds two test ONUs and hand-over finds every one.
    /// Costs no OLT command unless the store says such an ONU is there.
    func removeEarlierTestONUs(_ run: TestRun, _ driver: any OLTDriver) async throws {
        // With password authentication the port's password is the same at every test: the
        // driver finds its test ONU by name and takes it up again.
        if configuration.activation.authentication(for: run.port.olt) == .password { return }
        let serial = run.serial ?? run.port.onuSerial
        let earlier = try await store.testRuns(run.port.key).filter {
            $0.id != run.id && $0.holdsTestONU && ($0.serial != serial || serial == nil)
        }
        guard !earlier.isEmpty else { return }
        let onus = try await limiter.withSlot(run.port.olt) { try await driver.listONUs(pon: run.port.pon) }
        let stale = TestONUAccount.stale(onus, testONUName: run.port.onuName, keeping: serial)
        for onu in stale {
            try await limiter.withSlot(run.port.olt) { try await driver.remove(pon: run.port.pon, onuID: onu.onuID) }
        }
        try await store.recordTestONUsRemoved(
            runIDs: earlier.map(\.id),
            detail:
                "removed before run \(run.id) provisions the test ONT \(serial.map(\.description) ?? "given by password")",
            at: now())
        if !stale.isEmpty {
            publish(
                run,
                "the test ONU of an earlier test of this port (serial \(stale.compactMap(\.serial).map(\.description).joined(separator: ", "))) was removed first"
            )
        }
    }

    func awaitOnline(_ run: TestRun, _ driver: any OLTDriver) async throws -> TestRun {
        guard let onuID = run.onuID else { preconditionFailure("a run awaiting its ONU has an ONU id") }
        // Time is counted in polls, so any injected clock gives the same schedule. A test ONU
        // just provisioned needs a few seconds to register: the first ask comes one poll
        // interval later, not at once, so as not to spend an OLT command on a sure "offline".
        var waited = Duration.zero
        var online = false
        repeat {
            let step = min(configuration.pollInterval, configuration.onlineTimeout - waited)
            try await clock.sleep(for: step)
            waited += step
            if cancelled.contains(run.id) { return run }
            let state = try await limiter.withSlot(run.port.olt, priority: .finishing) {
                try await driver.runState(pon: run.port.pon, onuID: onuID)
            }
            if state == .online {
                online = true
                break
            }
        } while waited < configuration.onlineTimeout
        configuration.checkpoint?(.online, run.port.key)
        let note =
            online
            ? nil
            : "the test ONU did not come online within \(configuration.onlineTimeout)"
        let next = try await store.advanceTestRun(
            run.id, to: .reading, onuID: onuID, attempt: 0, outcome: note, at: now())
        publish(next, note ?? "ONU \(onuID) is online; reading the optics")
        return next
    }

    func read(_ run: TestRun, _ driver: any OLTDriver) async throws -> TestRun {
        guard let onuID = run.onuID else { preconditionFailure("a run reading its optics has an ONU id") }
        // The limits in force when the run began; a run begun before they were kept with it is
        // judged by the profile in force now.
        var limits = run.limits
        if limits == nil {
            limits = try await store.thresholdProfiles(configured: configuration.profiles).first {
                $0.name == run.profile
            }
        }
        guard let profile = limits else {
            return await end(run, .failed, "threshold profile \(run.profile) no longer exists")
        }
        // The wait just saw the ONU online, unless it timed out (its note is the outcome so far).
        let knownOnline: Set<Int> = run.outcome == nil ? [onuID] : []
        let optics = try await limiter.withSlot(run.port.olt, priority: .finishing) {
            try await driver.readOptics(pon: run.port.pon, onuIDs: [onuID], knownOnline: knownOnline)
        }
        guard let readings = optics.readings(onuID: onuID) else {
            throw OLTDriverError(
                .unexpectedResponse, olt: driver.description, message: "the OLT returned no optics for ONU \(onuID)")
        }
        let verdict = profile.evaluate(
            readings, for: JudgedPort(port: run.port.key, serial: run.serial ?? run.port.onuSerial))
        configuration.checkpoint?(.read, run.port.key)
        let outcome = run.outcome.map { "\(verdict.summary); \($0)" } ?? verdict.summary
        let next = try await store.finishTestRun(
            run.id, readings: readings, verdict: verdict, outcome: outcome, at: now())
        configuration.checkpoint?(.recorded, next.port.key)
        if next.step == .finished { metrics.ended(verdict.verdict == .pass ? .pass : .failLine) }
        let (diagnosis, splitterDiagnosis) = await diagnose(next)
        if next.step == .awaitingService {
            publish(
                next, "\(outcome); line result recorded, now the service test", verdict: verdict, readings: readings,
                provenance: optics.provenance, serviceState: .waiting, diagnosis: diagnosis,
                splitterDiagnosis: splitterDiagnosis)
        } else {
            publish(
                next, outcome, verdict: verdict, readings: readings, provenance: optics.provenance,
                diagnosis: diagnosis, splitterDiagnosis: splitterDiagnosis)
        }
        return next
    }

    /// Where the light of `run`'s port is most likely lost, now that its result is recorded, and
    /// its splitter's diagnosis as a whole, from every result on the OLT. Advisory: a store that
    /// cannot be read here is logged and the progress goes out without them; the run goes on.
    func diagnose(_ run: TestRun) async -> (Diagnosis?, SplitterDiagnosis?) {
        do {
            let links = try await store.odnLinks(olt: run.port.olt, figures: configuration.lossFigures)
            let key = run.port.key
            return (links.diagnose(key), links.summary(SplitterKey(projectCode: key.projectCode, name: key.splitter)))
        } catch {
            logger.warning(
                "the diagnosis of the port could not be computed: \(error); the progress goes without it",
                metadata: ["run.id": "\(run.id)", "port.id": "\(run.port.key)", "olt.id": "\(run.port.olt)"])
            return (nil, nil)
        }
    }

    /// The service half (DESIGN §2 step 4): the run holds a test account and waits for a probe's
    /// result, polling the store every poll interval, up to the configured wait (counted from
    /// when the wait began, so a restarted daemon waits only what is left). No account free →
    /// the service fails at once; no result in time → `not_tested`. Either way the verdict goes
    /// through the port's workflow and the account is free again.
    func awaitService(_ run: TestRun) async throws -> TestRun {
        let policy = configuration.service
        guard let test = try await store.serviceTest(runID: run.id) else {
            return await end(run, .failed, "the run awaits a service test the store does not have")
        }
        if test.username == nil {
            return try await finishService(
                run, ServiceRule.noTestAccount(planMbps: test.planMbps, minFraction: policy.minFraction))
        }
        let minutes = policy.wait.components.seconds / 60
        if test.state == .waiting {
            publish(
                run,
                "line passed; waiting up to \(minutes) min for a probe (`ftth-probe run`) to dial with test account \(test.username ?? "") through the test ONT",
                serviceState: .waiting)
        }
        let elapsed = now().timeIntervalSince(test.createdAt)
        var waited = Duration.seconds(max(0, elapsed.isFinite ? Int64(elapsed) : 0))
        var current = test
        while current.verdict == nil && waited < policy.wait {
            let step = min(configuration.pollInterval, policy.wait - waited)
            try await clock.sleep(for: step)
            waited += step
            if cancelled.contains(run.id) { return run }
            let previous = current
            current = try await store.serviceTest(runID: run.id) ?? current
            if previous.state == .waiting, current.state == .claimed {
                publish(
                    run, "probe \(current.claimedBy ?? "?") took the service test and is dialling",
                    serviceState: .claimed)
            }
        }
        let verdict =
            current.verdict
            ?? ServiceRule.notTested(waited: policy.wait, planMbps: test.planMbps, minFraction: policy.minFraction)
        return try await finishService(run, verdict)
    }

    func finishService(_ run: TestRun, _ verdict: ServiceVerdict) async throws -> TestRun {
        let outcome = [run.outcome, "service \(verdict.verdict.rawValue): \(verdict.reason)"].compactMap { $0 }
            .joined(separator: "; ")
        let next = try await store.finishServiceTest(runID: run.id, verdict: verdict, outcome: outcome, at: now())
        // Only a run whose line passed waits for its service test.
        metrics.ended(verdict.verdict == .pass ? .pass : .failService)
        publish(next, "service \(verdict.verdict.rawValue): \(verdict.reason)", service: verdict)
        return next
    }
}

/// What the engine refuses before any work starts.
public enum EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownProfile(String, known: [String])
    /// The crew's test ONT is under test on another port.
    case testONTBusy(ONUSerial, port: PortKey, runID: Int64)
    /// The port's OLT authenticates test ONUs by password, and the port has none.
    case noPassword(PortKey)

    public var code: String {
        switch self {
        case .unknownProfile: "engine.unknown_profile"
        case .testONTBusy: "engine.test_ont_busy"
        case .noPassword: "engine.no_password"
        }
    }

    public var description: String {
        switch self {
        case .unknownProfile(let name, let known):
            "no threshold profile '\(name)'; configured profiles: \(known.joined(separator: ", "))"
        case .testONTBusy(let serial, let port, let runID):
            "test ONT \(serial) is under test on \(port) (run \(runID)); wait for that test to end or cancel it, then test this port"
        case .noPassword(let port):
            "\(port) has no test ONU password, and its OLT authenticates test ONUs by password; start the test again to have one made"
        }
    }
}

/// An error that is not an ``OLTDriverError`` whose text held a secret: only its text, with the
/// secret replaced by ``OLTDriverError/redacted``, goes on.
struct RedactedError: Error, CustomStringConvertible {
    let description: String

    init(_ error: any Error, secret: String) {
        description = "\(error)".replacing(secret, with: OLTDriverError.redacted)
    }
}
