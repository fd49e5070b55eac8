import Foundation

/// Runs the built `ftthctl` as a user would, in its own temporary working directory.
struct FTTHCtlRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftthctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The executable built beside the test bundle (`FTTHCTL` overrides).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["FTTHCTL"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent("ftthctl")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("ftthctl")
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    func process(_ arguments: [String]) -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = Self.executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        return (p, out, err)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result { try run(arguments, environment: [:]) }

    /// Runs ftthctl with `environment` added to this process's own.
    func run(_ arguments: [String], environment: [String: String]) throws -> Result {
        let (p, out, err) = process(arguments)
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        try p.run()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
