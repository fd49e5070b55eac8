import Foundation

/// One run of `scripts/uml-lab.sh` (User-Mode Linux with rp-pppoe's pppoe-server and real pppd)
/// with the `ftth-probe` built beside this test bundle, shared by every test of the suite: the
/// lab boots once and runs all its cases; each test then reads its case's files.
struct ProbeLab: Sendable {
    /// Where the lab wrote its results: CASE.json, CASE.log, CASE-server.log, lab.log, ….
    let directory: URL
    /// What the launcher printed (its timing, and the log when the lab did not finish).
    let launcherOutput: String
    let launcherStatus: Int32

    /// The one run, started by the first test that asks. The lab blocks for a minute or more,
    /// so it waits on a thread of its own, not on the cooperative pool.
    static let shared = Task<ProbeLab, any Error> {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ProbeLab.run() }) }
        }
    }

    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable `name` built beside this test bundle (`FTTH_BIN` names another directory).
    static func executable(_ name: String) -> String {
        if let directory = ProcessInfo.processInfo.environment["FTTH_BIN"] { return directory + "/" + name }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent(name).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    private static func run() throws -> ProbeLab {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftth-probe-lab-\(ProcessInfo.processInfo.processIdentifier)")
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/uml-lab.sh")
        process.arguments = ["--probe", executable("ftth-probe"), "--results", directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // The launcher's output is small (a few lines, or the lab's log on failure).
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return ProbeLab(directory: directory, launcherOutput: text, launcherStatus: process.terminationStatus)
    }

    /// The text of one result file, or "" when the lab did not write it.
    func text(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// A case's JSON object as the probe printed it; nil when it printed none.
    func json(_ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object
    }

    /// The probe's result for `name`.
    func result(_ name: String) -> CaseResult {
        CaseResult(name: name, json: json(name + ".json") ?? [:], status: Int(text(name + ".status").trimmed))
    }

    /// Everything a person needs when a case fails: the launcher's output, the probe's and the
    /// servers' logs of the case, the lab's own log.
    func logs(_ name: String) -> String {
        """
        lab launcher (exit \(launcherStatus)): \(launcherOutput)
        --- \(name).json: \(text(name + ".json"))
        --- \(name).log (the probe's log):
        \(text(name + ".log"))
        --- \(name)-server.log (pppoe-server and the server's pppd):
        \(text(name + "-server.log"))
        --- lab.log:
        \(text("lab.log"))
        """
    }
}

/// One case's JSON, with typed access to the fields the tests check.
struct CaseResult {
    let name: String
    let json: [String: Any]
    /// The probe's exit status; nil when the lab did not record it.
    let status: Int?

    var result: String? { json["result"] as? String }
    var reasonCode: String? { (json["reason"] as? [String: Any])?["code"] as? String }
    var reasonText: String? { (json["reason"] as? [String: Any])?["message"] as? String }
    var ip: String? { json["ip"] as? String }
    var dns: [String] { json["dns"] as? [String] ?? [] }
    var mru: Int? { json["mru"] as? Int }
    var mss: Int? { json["mss"] as? Int }
    var acName: String? { json["ac_name"] as? String }
    var phases: [String: Double] {
        (json["phases"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
    var logLines: [String] { (json["log"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
