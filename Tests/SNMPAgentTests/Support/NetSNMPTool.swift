import Foundation

/// What one net-snmp command printed and how it ended.
struct ToolResult: Sendable, CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Output lines, continuation lines of multi-line values joined to their first line.
    /// A v1 walk ends with the line "End of MIB".
    var lines: [String] {
        var joined: [String] = []
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            if line == "End of MIB" || (line.hasPrefix(".") && (line.contains(" = ") || line.hasSuffix(" ="))) {
                joined.append(String(line))
            } else if !joined.isEmpty {
                joined[joined.count - 1] += "\n" + line
            } else {
                joined.append(String(line))
            }
        }
        return joined
    }

    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs net-snmp's command-line tools (the real peers of the agent) as child processes, with
/// no MIBs and no user configuration, so output is numeric and reproducible.
enum NetSNMPTool {
    /// Options every call gets: numeric OIDs (`-On`), numeric enums, hex for every
    /// octet string so non-UTF-8 bytes compare exactly, no MIB loading.
    static let outputOptions = ["-m", "", "-On", "-Oe", "-Ox"]

    /// Defaults a test may override: a patient timeout with one retry, so a busy test machine
    /// does not turn into a false failure (tests of silence pass `-t 1 -r 0` after these).
    static let patience = ["-t", "5", "-r", "1"]

    /// At most this many tools run at once (unless a test needs a crowd), so parallel tests do
    /// not starve the agents of CPU on a small machine.
    static let slots = ProcessSlots(4)

    /// Runs `/usr/bin/<tool>` and waits for it without blocking a thread.
    /// - Parameter unlimited: bypasses the limit of concurrent tools, for tests of concurrency.
    static func run(_ tool: String, _ arguments: [String], unlimited: Bool = false) async throws -> ToolResult {
        if unlimited { return try await launch(tool, arguments) }
        await slots.acquire()
        defer { Task { await slots.release() } }
        return try await launch(tool, arguments)
    }

    private static func launch(_ tool: String, _ arguments: [String]) async throws -> ToolResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snmpagent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = outputOptions + patience + arguments
        // An empty configuration path keeps /etc/snmp/snmp.conf and ~/.snmp out of the test.
        process.environment = [
            "PATH": "/usr/bin:/bin", "HOME": directory.path, "MIBS": "", "SNMPCONFPATH": directory.path,
            "SNMP_PERSISTENT_DIR": directory.path,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return ToolResult(status: status, stdout: stdout, stderr: stderr)
    }
}

/// A counting semaphore for async code.
actor ProcessSlots {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { available = count }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
