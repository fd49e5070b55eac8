import ArgumentParser
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Download a project's acceptance report (one row per port: powers, attenuations, verdicts).",
        discussion: "Exit status: 0 written; 2 the daemon refused the request; 3 no daemon answered; 64 usage.")

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Project code.")
    var project: String
    @Option(name: .long, help: "Report format: csv (the only one for now).")
    var format: String
    @Option(name: .long, help: "Write the report to this file instead of stdout.")
    var output: String?

    func validate() throws {
        guard format == "csv" else {
            throw ValidationError("--format accepts only csv for now, not '\(format)'")
        }
    }

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            let data = try await client.send(
                "GET", ["v1", "projects", project, "report.csv"], action: "downloading the report of \(project)")
            guard let output else {
                FileHandle.standardOutput.write(data)
                return
            }
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw ValidationError("cannot write \(output): check that its directory exists and is writable")
            }
            let rows = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).count - 1
            FileHandle.standardError.write(line: "wrote \(output): report of \(project), \(rows) port(s)")
        }
    }
}
