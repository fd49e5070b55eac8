import FTTHCore

/// The acceptance report of a project (DESIGN §2 step 6) as CSV: one row per port with the four
/// powers, both attenuations, the verdicts, and the reasons (failures) and warnings (advisory
/// checks) of its latest line result.
struct ProjectReportCSV {
    static let header = [
        "splitter", "splitter_port", "onu_name", "olt_tx_dbm", "olt_rx_dbm", "onu_tx_dbm", "onu_rx_dbm",
        "downstream_attenuation_db", "upstream_attenuation_db", "line_verdict", "service_verdict", "overall_verdict",
        "reasons", "warnings",
    ]

    private(set) var lines: [String] = [Self.header.joined(separator: ",")]

    mutating func add(_ row: ActivationListRow, latest: LineResultRecord?) {
        let readings = latest?.readings
        let verdict = row.workflow.verdict
        let fields = [
            row.key.splitter, String(row.key.port), row.onuName,
            readings?.oltTx.value?.decimalString ?? "", readings?.oltRx.value?.decimalString ?? "",
            readings?.onuTx.value?.decimalString ?? "", readings?.onuRx.value?.decimalString ?? "",
            latest?.verdict.downstreamAttenuation?.decimalString ?? "",
            latest?.verdict.upstreamAttenuation?.decimalString ?? "",
            verdict.line?.rawValue ?? "", verdict.service?.rawValue ?? "", verdict.overall?.rawValue ?? "",
            latest?.verdict.reasons.joined(separator: "; ") ?? "",
            latest?.verdict.warnings.joined(separator: "; ") ?? "",
        ]
        lines.append(fields.map(Self.escape).joined(separator: ","))
    }

    var text: String { lines.joined(separator: "\r\n") + "\r\n" }

    /// RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
