import Foundation

/// Runs Debian's `iperf3` client against a server, bound to the session's address so the bytes go
/// through the dialled line, and reads its JSON.
public struct IperfRunner: Sendable {
    /// `host` or `host:port` (iperf3's default port is 5201).
    public var server: String
    public var executable: String
    /// Extra seconds past the test's own duration before the run is given up.
    public var grace: Duration
    /// An iperf3 server runs one test at a time and answers "the server is busy running a test"
    /// to the next client until it has reset (another probe's test, or a connection that only
    /// checked that it listens): that many tries in all, `busyWait` apart, on `clock`.
    public var busyAttempts: Int
    public var busyWait: Duration
    public var clock: any Clock<Duration>

    public init(
        server: String, executable: String = "iperf3", grace: Duration = .seconds(20), busyAttempts: Int = 5,
        busyWait: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.server = server
        self.executable = executable
        self.grace = grace
        self.busyAttempts = max(1, busyAttempts)
        self.busyWait = busyWait
        self.clock = clock
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
    /// A busy server is asked again (``busyAttempts``).
    public func run(direction: ThroughputDirection, duration: Duration, bindAddress: String?) async throws
        -> IperfReport
    {
        var attempt = 1
        while true {
            do {
                return try await runOnce(direction: direction, duration: duration, bindAddress: bindAddress)
            } catch IperfReportError.iperf(let message) where Self.isBusy(message) && attempt < busyAttempts {
                attempt += 1
                try await clock.sleep(for: busyWait)
            }
        }
    }

    /// Whether iperf3's error says its server is running another test.
    static func isBusy(_ message: String) -> Bool { message.lowercased().contains("busy") }

    func runOnce(direction: ThroughputDirection, duration: Duration, bindAddress: String?) async throws
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
