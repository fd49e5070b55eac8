import Foundation

/// Runs Debian's `iperf3` client against a server, bound to the session's address so the bytes go
/// through the dialled line, and reads its JSON.
public struct IperfRunner: Sendable {
    /// `host` or `host:port` (iperf3's default port is 5201).
    public var server: String
    public var executable: String
    /// Extra seconds past the test's own duration before the run is given up.
    public var grace: Duration

    public init(server: String, executable: String = "iperf3", grace: Duration = .seconds(20)) {
        self.server = server
        self.executable = executable
        self.grace = grace
    }

    /// The host and port `server` names.
    public var endpoint: (host: String, port: Int) {
        if let colon = server.lastIndex(of: ":"), !server.hasPrefix("["),
            let port = Int(server[server.index(after: colon)...])
        {
            return (String(server[..<colon]), port)
        }
        return (server, 5201)
    }

    /// The arguments of one run, e.g. `-c 10.0.0.1 -p 5201 -B 10.67.0.10 -t 10 -J -R`.
    public func arguments(direction: ThroughputDirection, duration: Duration, bindAddress: String?) -> [String] {
        let (host, port) = endpoint
        var args = ["-c", host, "-p", String(port), "-t", String(max(1, Int(duration.components.seconds))), "-J"]
        args += ["--connect-timeout", "5000"]
        if let bindAddress { args += ["-B", bindAddress] }
        if direction == .download { args.append("-R") }
        return args
    }

    /// One run in one direction; throws ``IperfReportError`` when iperf3 failed or could not start.
    public func run(direction: ThroughputDirection, duration: Duration, bindAddress: String?) async throws
        -> IperfReport
    {
        let args = arguments(direction: direction, duration: duration, bindAddress: bindAddress)
        let output = try await ChildProcess.run(executable, args, timeout: duration + grace)
        if output.launchError != nil {
            throw IperfReportError.iperf(
                "could not start '\(executable)' (\(output.launchError!)); install Debian's iperf3 package")
        }
        if output.timedOut {
            throw IperfReportError.iperf("no answer within \(duration + grace) from \(server)")
        }
        return try IperfReport.parse(output.stdout)
    }
}

/// A child process run to its end (or killed at a timeout), its output gathered.
enum ChildProcess {
    struct Output: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var timedOut: Bool
        var launchError: String?
    }

    /// Reads `handle` to its end on a thread of its own.
    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Duration) async throws -> Output {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Output(status: -1, stdout: Data(), stderr: Data(), timedOut: false, launchError: "\(error)")
        }
        let pid = process.processIdentifier
        let killer = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
            return true
        }
        // Read both pipes to their end on threads of their own so a full pipe never blocks the
        // child. Not on the cooperative pool (Task.detached): on a 2-core machine the two blocking
        // reads took all its threads, the timeout's task never ran, and the probe hung behind an
        // iperf3 whose session had died (make demo, echo_stops).
        async let stdout = Self.readToEnd(out.fileHandleForReading)
        async let stderr = Self.readToEnd(err.fileHandleForReading)
        let (o, e) = await (stdout, stderr)
        process.waitUntilExit()
        killer.cancel()
        let timedOut = (try? await killer.value) == true
        let status = process.terminationStatus
        // /usr/bin/env answers 127 when the command is not on PATH.
        if status == 127 && !executable.contains("/") && o.isEmpty {
            return Output(
                status: status, stdout: o, stderr: e, timedOut: false, launchError: "\(executable) not found on PATH")
        }
        return Output(status: status, stdout: o, stderr: e, timedOut: timedOut)
    }
}
