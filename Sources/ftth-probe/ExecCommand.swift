import Foundation
import PPPCore
import PPPoELink

/// The `--exec` command: started once the session is up, with the session's addresses in its
/// environment; when it exits the runner hangs up. When the session ends first it is sent SIGTERM.
final class ExecCommand {
    private let process = Process()
    /// Why the command could not start, for the log; nil when it runs.
    private(set) var startError: String?

    init(
        _ arguments: [String], info: PPPoESessionInfo, tunName: String, outputToStandardError: Bool,
        closer: PPPoESessionRunner.Closer
    ) {
        precondition(!arguments.isEmpty, "an --exec command has at least its program")
        let program = arguments[0]
        // A bare name is looked up on PATH by /usr/bin/env, as a shell would.
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["FTTH_PROBE_IP"] = TunDevice.dotted(info.localIP)
        environment["FTTH_PROBE_PEER"] = TunDevice.dotted(info.peerIP)
        environment["FTTH_PROBE_TUN"] = tunName
        environment["FTTH_PROBE_MRU"] = String(info.mru)
        process.environment = environment
        if outputToStandardError { process.standardOutput = FileHandle.standardError }
        process.terminationHandler = { _ in closer.close() }
        do {
            try process.run()
        } catch {
            startError = "cannot start the --exec command \(arguments.joined(separator: " ")): \(error); hanging up"
            closer.close()
        }
    }

    /// After the hang-up: stops the command if it still runs and returns its exit status (nil
    /// when it never started).
    func waitAfterHangUp() -> Int32? {
        guard startError == nil else { return nil }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
