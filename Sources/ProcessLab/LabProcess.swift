import Foundation
import Synchronization

/// What went wrong starting, waiting for or talking to a product executable; the message says
/// which and shows its output.
public struct LabError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A product executable (olt-sim, ftth-acceptd) run the way an operator runs it, for the
/// end-to-end tests and the benchmarks: its output kept in memory (drained as it comes, so a
/// chatty daemon never blocks on a full pipe), its memory and CPU read from /proc.
public final class LabProcess: Sendable {
    public let name: String
    public let process: Process
    private let output = Output()

    /// What the process wrote so far; a class so that the pipes' handlers can hold it.
    private final class Output: Sendable {
        let text = Mutex<(stdout: String, stderr: String)>(("", ""))
    }

    /// Starts `path` with `arguments`; `environment` adds to the benchmark's own.
    public init(_ name: String, path: String, arguments: [String], environment: [String: String] = [:]) throws {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            // At the end of the stream the handler would be called again and again.
            if data.isEmpty { handle.readabilityHandler = nil }
            output.text.withLock { $0.stdout += String(decoding: data, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            // At the end of the stream the handler would be called again and again.
            if data.isEmpty { handle.readabilityHandler = nil }
            output.text.withLock { $0.stderr += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var standardOutput: String { output.text.withLock { $0.stdout } }
    public var standardError: String { output.text.withLock { $0.stderr } }
    /// Both streams, for a message.
    public var log: String { standardOutput + standardError }

    /// Waits until `condition` holds of the process's output, polling every 50 ms; throws when
    /// the process exits first or `timeout` passes.
    public func waitFor(_ what: String, timeout: Double, _ condition: (LabProcess) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(self) {
            guard process.isRunning else {
                throw LabError("\(name) exited before \(what):\n\(standardOutput)\n\(standardError)")
            }
            guard Date() < deadline else {
                throw LabError("\(name): no \(what) within \(Int(timeout)) s:\n\(standardOutput)\n\(standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Peak and current resident memory (VmHWM, VmRSS) in kB, from /proc/PID/status.
    public func memory() -> (peakKilobytes: Int, currentKilobytes: Int) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ key: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return (field("VmHWM"), field("VmRSS"))
    }

    /// User and system CPU seconds so far, from /proc/PID/stat (fields 14 and 15).
    public func cpuSeconds() -> (user: Double, system: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return (0, 0) }
        // Fields after the command name (which may hold spaces), starting at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
        return (user / ticks, system / ticks)
    }

    /// Sends `signal` (SIGUSR1 to olt-sim for its counts).
    public func send(_ signal: Int32) { kill(pid, signal) }

    /// Kills it with SIGKILL, as a crash or the OOM killer would, and waits for the end.
    public func crash() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 20 s).
    public func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<400 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

/// A TCP port on 127.0.0.1 free now, as the kernel picks one.
public func freeTCPPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw LabError("cannot open a socket to find a free port") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw LabError("cannot bind a socket to find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` now.
public func acceptsTCP(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// Polls `condition` every 50 ms until it holds; throws after `seconds`. For conditions of other
/// processes, where there is nothing to await.
public func poll(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw LabError("gave up waiting for \(what) after \(seconds) s") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
