import FTTHCore

/// The acceptance report of a project (DESIGN §2 step 6) as CSV: one row per port with the four
/// powers, both attenuations, the verdicts, and the reasons (failures) and warnings (advisory
/// checks) of its latest line result; for a project that needs a service test, also the latest
/// service result: its reason, the Mbit/s each way, the RTT and the plan rate.
struct ProjectReportCSV {
    static let serviceHeader = ["service_reason", "down_mbps", "up_mbps", "rtt_ms", "plan_mbps"]

    static let header = [
        "splitter", "splitter_port", "onu_name", "olt_tx_dbm", "olt_rx_dbm", "onu_tx_dbm", "onu_rx_dbm",
        "downstream_attenuation_db", "upstream_attenuation_db", "line_verdict", "service_verdict", "overall_verdict",
        "reasons", "warnings",
    ]

    /// Whether the service columns are written: only for a project that needs a service test.
    let serviceColumns: Bool
    private(set) var lines: [String]

    /// An empty report; `serviceColumns` for a project that needs a service test.
    init(serviceColumns: Bool = false) {
        self.serviceColumns = serviceColumns
        lines = [(Self.header + (serviceColumns ? Self.serviceHeader : [])).joined(separator: ",")]
    }

    mutating func add(_ row: ActivationListRow, latest: LineResultRecord?, service: ServiceTest? = nil) {
        let readings = latest?.readings
        let verdict = row.workflow.verdict
        var fields = [
            row.key.splitter, String(row.key.port), row.onuName,
            readings?.oltTx.value?.decimalString ?? "", readings?.oltRx.value?.decimalString ?? "",
            readings?.onuTx.value?.decimalString ?? "", readings?.onuRx.value?.decimalString ?? "",
            latest?.verdict.downstreamAttenuation?.decimalString ?? "",
            latest?.verdict.upstreamAttenuation?.decimalString ?? "",
            verdict.line?.rawValue ?? "", verdict.service?.rawValue ?? "", verdict.overall?.rawValue ?? "",
            latest?.verdict.reasons.joined(separator: "; ") ?? "",
            latest?.verdict.warnings.joined(separator: "; ") ?? "",
        ]
        if serviceColumns {
            let judged = service?.verdict
            let m = judged?.measurement
            func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
            fields += [
                judged.map { v in v.failure.map { "\($0.code): \(v.reason)" } ?? v.reason } ?? "",
                number(m?.downMbps), number(m?.upMbps), number(m?.rttMs), service.map { number($0.planMbps) } ?? "",
            ]
        }
        lines.append(fields.map(Self.escape).joined(separator: ","))
    }

    var text: String { lines.joined(separator: "\r\n") + "\r\n" }

    /// RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
