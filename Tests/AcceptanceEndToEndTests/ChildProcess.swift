import Foundation

/// An executable built beside this test bundle, run as a person runs it, its output going to a
/// log file (a pipe nobody reads would fill up and stop a chatty daemon).
final class ChildProcess: @unchecked Sendable {
    // `process` is only started, signalled and waited on; Process is thread-safe for that.
    let process: Process
    let logPath: String

    /// The directory of the built executables (`FTTH_BIN` overrides).
    static var binDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["FTTH_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("ftth-acceptd").path)
        } ?? candidates[0]
    }

    static func start(_ name: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws
        -> ChildProcess
    {
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ChildProcess(process: process, logPath: log)
    }

    init(process: Process, logPath: String) {
        self.process = process
        self.logPath = logPath
    }

    /// What it wrote so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to end.
    func kill(_ signal: Int32) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}
