import Foundation
import ProcessLab

/// Where the benchmark's daemons keep their records: a SQLite file in the work directory, or a
/// database on a PostgreSQL server of the benchmark's own (ProcessLab's `LabPostgres`: `initdb`
/// into a temporary directory, a free loopback port, stopped and removed when the benchmark
/// exits), with the password file and the key file every daemon of the cluster is given, as
/// docs/postgres.md tells an operator to make them.
struct BenchStore {
    let kind: BenchOptions.StoreKind
    /// The `[store]` table of every daemon's configuration.
    let table: String
    /// What `ftthctl` needs besides `--config` to open the store: the SQLite file, or nothing
    /// (it reads `[store]` from the configuration, as a daemon does).
    let ctlArguments: [String]
    let server: LabPostgres?
    let database: String?

    init(_ kind: BenchOptions.StoreKind, work: String) async throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            let path = "\(work)/store.sqlite"
            table = "[store]\npath = \"\(path)\"\n"
            ctlArguments = ["--store", path]
            server = nil
            database = nil
        case .postgres:
            let server = try await LabPostgres.shared()
            let database = try server.createDatabase("engine_bench")
            let keyFile = "\(work)/store.key"
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                .write(toFile: keyFile, atomically: true, encoding: .utf8)
            let passwordFile = "\(work)/store.password"
            try server.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
            table = """
                [store]
                kind = "postgres"
                url = "postgres://\(server.username)@127.0.0.1:\(server.port)/\(database)"
                password_file = "\(passwordFile)"
                key_file = "\(keyFile)"

                """
            ctlArguments = []
            self.server = server
            self.database = database
        }
    }

    /// What the store is, for the figures.
    var description: String {
        guard let server, let version = try? server.psql("SHOW server_version") else { return "SQLite file" }
        return "PostgreSQL \(version) on 127.0.0.1:\(server.port) (fsync off, as the tests run it)"
    }

    /// Runs SQL on the benchmark's database through `psql`; its rows, one a line, fields
    /// separated by `|`. Only with PostgreSQL.
    func psql(_ sql: String) throws -> [[Substring]] {
        guard let server, let database else { preconditionFailure("psql needs --store postgres") }
        return try server.psql(sql, database: database).split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false)
        }
    }

    /// Transactions committed and rolled back in the database so far (`pg_stat_database`; a
    /// backend reports its counts at most once a second, and at the latest when it closes).
    func transactions() -> (committed: Int, rolledBack: Int)? {
        guard kind == .postgres,
            let row = try? psql(
                "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()"
            ).first, row.count == 2, let committed = Int(row[0]), let rolledBack = Int(row[1])
        else { return nil }
        return (committed, rolledBack)
    }

    /// The PostgreSQL server's CPU seconds so far: the postmaster's own and those of its
    /// children that ended (`cutime`, `cstime`), and the backends alive now. Nil with SQLite,
    /// whose work is the daemon's own CPU.
    func serverCPUSeconds() -> Double? {
        guard let server,
            let pidText = try? String(contentsOfFile: "\(server.directory)/data/postmaster.pid", encoding: .utf8),
            let postmaster = pidText.split(separator: "\n").first.flatMap({ Int32($0) })
        else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        // Fields 4 (ppid) and 14–17 (utime, stime, cutime, cstime) of /proc/PID/stat.
        func stat(_ pid: String) -> (parent: Int32, own: Double, children: Double)? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 14, let parent = Int32(fields[1]) else { return nil }
            let times = fields[11...14].map { (Double($0) ?? 0) / ticks }
            return (parent, times[0] + times[1], times[2] + times[3])
        }
        guard let main = stat("\(postmaster)") else { return nil }
        var total = main.own + main.children
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in pids where pid.allSatisfy(\.isNumber) {
            if let child = stat(pid), child.parent == postmaster { total += child.own }
        }
        return total
    }
}
