import ArgumentParser
import FTTHCore

struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Judge optical readings from a CSV against a threshold profile.",
        discussion: """
            The CSV has the header port,olt_tx_dbm,olt_rx_dbm,onu_tx_dbm,onu_rx_dbm. An empty cell, or a \
            vendor's no-value marker (-/-, N/A, no signal, 2147483647, 65535, -80000), is "no reading": \
            it fails the checks that need it, with that reason.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @Option(name: .long, help: "Threshold profile (build, user, or one from the configuration).")
    var profile: String
    @Option(name: .long, help: "CSV file of readings.")
    var csv: String
    @Flag(name: .long, help: "Print a JSON array, one object per row.")
    var json = false

    func run() async throws {
        let configuration = try configOptions.load()
        let thresholds = try configuration.profile(named: profile)
        let rows = try EvaluationRow.parse(csv: try readInput(csv), file: csv)
        let judged = rows.map { ($0, thresholds.evaluate($0.readings)) }
        if json {
            print(
                JSONOutput.array(
                    judged.map { row, verdict in
                        .object([
                            ("port", .string(row.port)),
                            (
                                "downstream_attenuation_db",
                                verdict.downstreamAttenuation.map { .number($0.decimalString) } ?? .null
                            ),
                            (
                                "upstream_attenuation_db",
                                verdict.upstreamAttenuation.map { .number($0.decimalString) } ?? .null
                            ),
                            ("line_verdict", .string(verdict.verdict.rawValue)),
                            ("reasons", .array(verdict.reasons.map { .string($0) })),
                            ("warnings", .array(verdict.warnings.map { .string($0) })),
                        ])
                    }
                ).rendered())
            return
        }
        func power(_ r: PowerReading) -> String { r.value?.decimalString ?? "-" }
        var table = TextTable("PORT", "OLT TX", "OLT RX", "ONU TX", "ONU RX", "DOWN dB", "UP dB", "VERDICT")
        for (row, verdict) in judged {
            let r = row.readings
            table.add([
                row.port, power(r.oltTx), power(r.oltRx), power(r.onuTx), power(r.onuRx),
                verdict.downstreamAttenuation?.decimalString ?? "-", verdict.upstreamAttenuation?.decimalString ?? "-",
                verdict.verdict.rawValue + (verdict.warnings.isEmpty ? "" : " (warning)"),
            ])
        }
        print(table.rendered())
        // Reasons go below the table, one per line, so that a narrow phone screen can read them.
        for (row, verdict) in judged where !verdict.reasons.isEmpty || !verdict.warnings.isEmpty {
            print("\n\(row.port) (\(row.location)):")
            for reason in verdict.reasons { print("  - \(reason)") }
            for warning in verdict.warnings { print("  - warning (advisory, not a failure): \(warning)") }
        }
        let failed = judged.filter { $0.1.verdict == .fail }.count
        print(
            "\n\(judged.count) port(s) judged against profile '\(thresholds.name)': \(judged.count - failed) pass, \(failed) fail"
        )
    }
}
