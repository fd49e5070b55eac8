import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A running `ftth-acceptd` executable with a configuration the test wrote, for the ftthctl
/// tests that talk to the daemon.
struct AcceptdProcess {
    let process: Process
    /// The API port it listens on, on 127.0.0.1.
    let port: Int
    /// Its log (stderr), for failure messages.
    let logPath: String

    var url: String { "http://127.0.0.1:\(port)" }

    /// The executable built beside ftthctl (`FTTH_ACCEPTD` overrides).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["FTTH_ACCEPTD"] { return URL(fileURLWithPath: path) }
        return FTTHCtlRunner.executable.deletingLastPathComponent().appendingPathComponent("ftth-acceptd")
    }

    /// Writes `configuration` (TOML without `[api]`, which this adds on a free port) to the
    /// runner's directory, starts the daemon there with `environment` added, and returns once
    /// it accepts connections. Throws with the daemon's log when it exits or does not listen
    /// within `timeout`.
    static func start(
        _ cli: FTTHCtlRunner, configuration: String, environment: [String: String], timeout: Duration = .seconds(60)
    ) throws -> AcceptdProcess {
        let port = try FreePort.pick()
        let configPath = cli.path("ftth-acceptd.toml")
        try ("[api]\nhost = \"127.0.0.1\"\nport = \(port)\n\n" + configuration).write(
            toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = cli.path("ftth-acceptd.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let daemon = Process()
        daemon.executableURL = executable
        daemon.arguments = ["--config", configPath]
        daemon.currentDirectoryURL = cli.directory
        daemon.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        daemon.standardOutput = log
        daemon.standardError = log
        try daemon.run()
        let started = AcceptdProcess(process: daemon, port: port, logPath: logPath)
        let deadline = ContinuousClock.now + timeout
        while !FreePort.accepts(port) {
            guard daemon.isRunning, ContinuousClock.now < deadline else {
                started.stop()
                throw RigError(
                    "ftth-acceptd did not listen on \(port) within \(timeout) (exit \(daemon.isRunning ? "-" : String(daemon.terminationStatus))); its log:\n\(started.log)"
                )
            }
            usleep(50_000)
        }
        return started
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

struct RigError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// TCP ports on 127.0.0.1 for processes the tests start.
enum FreePort {
    /// A port nothing listens on now: the kernel's choice for a socket bound to port 0, released
    /// again. Another process could take it before the daemon binds it; in practice it does not.
    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RigError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw RigError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw RigError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
