import Foundation
import Synchronization

/// The shared server, stopped (as a crash: nothing to keep) and removed when the process exits.
private let serverToStopAtExit = Mutex<LabPostgres?>(nil)

/// A PostgreSQL server of the tests' own: Debian's server, `initdb` into a temporary directory
/// as a non-root user (PostgreSQL refuses to run as root), started with `pg_ctl` on a free
/// loopback port, password login (SCRAM) for the user `ftth`. Stopped and removed when the test
/// process exits. Tests and benchmarks make a database each with ``createDatabase(_:)``.
public final class LabPostgres: Sendable {
    public let directory: String
    public let port: Int
    public let username = "ftth"
    public let password: String
    let binaries: String
    /// Who runs the server: `postgres` (Debian's server package makes it) when the tests run
    /// as root, else the tests' own user.
    let runAs: String?

    /// The one server of this test process, started on first use.
    public static func shared() async throws -> LabPostgres {
        try await SharedServer.instance.server()
    }

    private actor SharedServer {
        static let instance = SharedServer()
        var started: LabPostgres?

        func server() throws -> LabPostgres {
            if let started { return started }
            let server = try LabPostgres()
            try server.start()
            started = server
            serverToStopAtExit.withLock { $0 = server }
            atexit {
                serverToStopAtExit.withLock { server in
                    server?.stopNow()
                    server?.remove()
                    server = nil
                }
            }
            return server
        }
    }

    /// Makes a new cluster (not started). Throws naming what is missing when Debian's server is
    /// not installed.
    public init() throws {
        guard let bin = Self.findBinaries() else {
            throw LabError(
                "PostgreSQL's server (initdb, pg_ctl) is not installed: run `make deps` or `apt-get install postgresql`"
            )
        }
        binaries = bin
        runAs = getuid() == 0 ? "postgres" : nil
        port = try freeTCPPort()
        password = UUID().uuidString
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let passwordFile = directory + "/password"
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if let runAs {
            try run("/bin/chown", ["-R", "\(runAs):\(runAs)", directory], asServerUser: false)
        }
        try run(
            bin + "/initdb",
            [
                "-D", directory + "/data", "-U", username, "--pwfile=\(passwordFile)", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ])
    }

    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        return nil
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        // No durability needed for tests; the socket directory is the cluster's own.
        let options = [
            "-c listen_addresses=127.0.0.1", "-p \(port)", "-k \(directory)", "-c fsync=off",
            "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200",
        ].joined(separator: " ")
        try run(
            binaries + "/pg_ctl",
            ["-D", directory + "/data", "-l", directory + "/server.log", "-o", options, "-w", "-t", "60", "start"])
    }

    /// Stops the server: `fast` rolls back open transactions and closes connections;
    /// `immediate` is a crash (recovery at the next start).
    public func stop(mode: String = "fast") throws {
        try run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", mode, "-w", "-t", "60", "stop"])
    }

    func stopNow() { try? stop(mode: "immediate") }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs SQL as the cluster's superuser through `psql`; returns what it printed (unaligned,
    /// tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", username, "-d", database, "-v", "ON_ERROR_STOP=1", "-At",
                "-c",
                sql,
            ], asServerUser: false, environment: ["PGPASSWORD": password])
    }

    /// A new, empty database; its name.
    public func createDatabase(
        _ name: String = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    )
        throws -> String
    {
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// Drops a database, ending its sessions first.
    public func dropDatabase(_ name: String) throws {
        try psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The server's log, for a failing test's message.
    public var serverLog: String {
        (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
    }

    @discardableResult
    func run(_ path: String, _ arguments: [String], asServerUser: Bool = true, environment: [String: String] = [:])
        throws -> String
    {
        let (executable, argv) =
            if asServerUser, let runAs {
                ("/usr/sbin/runuser", ["-u", runAs, "--", "/usr/bin/env", "-C", "/tmp", path] + arguments)
            } else {
                (path, arguments)
            }
        // posix_spawn, not Foundation's Process: the server pg_ctl starts outlives it and would
        // inherit the descriptor through which Process learns of its child's end (see LabChild).
        let (status, output) = try LabChild.run(executable, argv, environment: environment)
        guard status == 0 else {
            throw LabError("\(([path] + arguments).joined(separator: " ")) exited with \(status): \(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
