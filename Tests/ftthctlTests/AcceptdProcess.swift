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

    /// Writes `configuration` (TOML without `[api]`, which this adds with port 0: the kernel
    /// picks a free port and the daemon's log names it) to the runner's directory, starts the
    /// daemon there with `environment` added, and returns once it serves its API. Throws with the
    /// daemon's log when it exits or does not serve within `timeout`.
    static func start(
        _ cli: FTTHCtlRunner, configuration: String, environment: [String: String], timeout: Duration = .seconds(60)
    ) throws -> AcceptdProcess {
        let configPath = cli.path("ftth-acceptd.toml")
        try ("[api]\nhost = \"127.0.0.1\"\nport = 0\n\n" + configuration).write(
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
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").last(where: { $0.contains("serving the API") }),
                let word = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
                let port = Int(word.dropFirst(5))
            {
                return AcceptdProcess(process: daemon, port: port, logPath: logPath)
            }
            guard daemon.isRunning, ContinuousClock.now < deadline else {
                stopProcess(daemon)
                throw RigError(
                    "ftth-acceptd did not serve its API within \(timeout) (exit \(daemon.isRunning ? "-" : String(daemon.terminationStatus))); its log:\n\(text)"
                )
            }
            usleep(50_000)
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() { stopProcess(process) }
}

struct RigError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// SIGTERM, then waits for the exit; SIGKILL after 20 s, so that a process that missed the
/// signal cannot hang the suite.
func stopProcess(_ process: Process) {
    guard process.isRunning else { return }
    process.terminate()
    for _ in 0..<400 where process.isRunning { usleep(50_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}
