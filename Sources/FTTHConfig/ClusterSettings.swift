/// `[cluster]`: how the daemons sharing a PostgreSQL store divide the runs between them
/// (docs/postgres.md). Read, and in force, only with `[store] kind = "postgres"`.
public struct ClusterSettings: Sendable, Hashable {
    /// How long a daemon's hold on a run lasts unless renewed: the longest the others wait to
    /// take over the runs of a daemon that died. More than twice `[southbound] command_timeout_s`.
    public var leaseSeconds = 90
    /// How often a daemon looks for runs nobody holds.
    public var pollSeconds = 2
    /// The most runs a daemon executes at once before it stops taking runs nobody holds. Runs
    /// started through its own API, and its own resumed after a restart, are executed even above it.
    public var maxRuns = 100
    /// This daemon's name among the others, kept across restarts: a daemon restarted after a
    /// crash resumes the runs it held at once. One running daemon per name; nil: the host's name
    /// and the API's port (two daemons on one host cannot share a port), or with a port the
    /// system picks (0), the host's name and the process: that daemon's runs wait for their
    /// leases after a restart.
    public var name: String?

    /// ``name``, or what stands for it (see there).
    public func daemonName(api: APISettings, hostName: String, process: Int32) -> String {
        if let name { return name }
        return api.port == 0 ? "\(hostName)-\(process)" : "\(hostName):\(api.port)"
    }

    public init() {}

    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["lease_s", "poll_s", "max_runs", "name"])
        leaseSeconds = try r.int("lease_s", default: leaseSeconds, range: 5...3600)
        pollSeconds = try r.int("poll_s", default: pollSeconds, range: 1...600)
        maxRuns = try r.int("max_runs", default: maxRuns, range: 1...10000)
        name = r.table["name"] == nil ? nil : try r.string("name")
        if let name, name.contains("/") || name.count > 100 {
            throw r.error(
                "name", "\"\(name)\" is not a daemon name: give 1 to 100 characters without '/', e.g. the host's name")
        }
    }
}
