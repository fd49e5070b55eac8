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
        // Numbers this file formats itself go out as they are, so a spreadsheet keeps -21.40 a
        // number; every text cell (names from an import, reasons) is neutralised.
        var fields: [Cell] = [
            .text(row.key.splitter), .number(String(row.key.port)), .text(row.onuName),
            .number(readings?.oltTx.value?.decimalString), .number(readings?.oltRx.value?.decimalString),
            .number(readings?.onuTx.value?.decimalString), .number(readings?.onuRx.value?.decimalString),
            .number(latest?.verdict.downstreamAttenuation?.decimalString),
            .number(latest?.verdict.upstreamAttenuation?.decimalString),
            .text(verdict.line?.rawValue ?? ""), .text(verdict.service?.rawValue ?? ""),
            .text(verdict.overall?.rawValue ?? ""),
            .text(latest?.verdict.reasons.joined(separator: "; ") ?? ""),
            .text(latest?.verdict.warnings.joined(separator: "; ") ?? ""),
        ]
        if serviceColumns {
            let judged = service?.verdict
            let m = judged?.measurement
            func number(_ value: Double?) -> Cell { .number(value.map { String(format: "%.1f", $0) }) }
            fields += [
                .text(judged.map { v in v.failure.map { "\($0.code): \(v.reason)" } ?? v.reason } ?? ""),
                number(m?.downMbps), number(m?.upMbps), number(m?.rttMs),
                number(service.map(\.planMbps)),
            ]
        }
        lines.append(fields.map(\.field).joined(separator: ","))
    }

    /// One cell of a row: a number this file formatted, or text that came from outside.
    enum Cell {
        /// A number formatted here (`-21.40`, `3`, `287.5`); nil is an empty cell.
        case number(String?)
        /// Text: a name from an import or a reason; neutralised against formula injection.
        case text(String)

        /// The cell as written to the file.
        var field: String {
            switch self {
            case .number(let value): ProjectReportCSV.escape(value ?? "")
            case .text(let value): ProjectReportCSV.escape(ProjectReportCSV.neutralised(value))
            }
        }
    }

    /// The characters a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Text that a spreadsheet would run as a formula (a splitter named `=cmd|x`) gets a leading
    /// single quote, OWASP's rule: the spreadsheet shows it as text and hides the quote.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarts.contains(Character(first)) else { return text }
        return "'" + text
    }

    var text: String { lines.joined(separator: "\r\n") + "\r\n" }

    /// RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
