/// `[cluster]`: how the daemons sharing a PostgreSQL store divide the runs between them
/// (docs/postgres.md). Read, and in force, only with `[store] kind = "postgres"`.
public struct ClusterSettings: Sendable, Hashable {
    /// How long a daemon's hold on a run lasts unless renewed: the longest the others wait to
    /// take over the runs of a daemon that died. More than twice `[southbound] command_timeout_s`.
    public var leaseSeconds = 90
    /// How often a daemon looks for runs nobody holds.
    public var pollSeconds = 2
    /// Runs one daemon executes at most at once.
    public var maxRuns = 100

    public init() {}

    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["lease_s", "poll_s", "max_runs"])
        leaseSeconds = try r.int("lease_s", default: leaseSeconds, range: 5...3600)
        pollSeconds = try r.int("poll_s", default: pollSeconds, range: 1...600)
        maxRuns = try r.int("max_runs", default: maxRuns, range: 1...10000)
    }
}
