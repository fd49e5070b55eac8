import FTTHCore
import Foundation

/// The acceptance report of a project (DESIGN §2 step 6): one row per port with the four
/// powers, both attenuations, the verdicts, and the reasons (failures) and warnings (advisory
/// checks) of its latest line result; for a project that needs a service test, also the latest
/// service result: its reason, the Mbit/s each way, the RTT and the plan rate. The one place the
/// report's rows are built: CSV, XLSX and the printable page all read ``header`` and ``rows``.
public struct ProjectReport: Sendable {
    /// The columns of a project with a service test, after ``header``.
    public static let serviceHeader = ["service_reason", "down_mbps", "up_mbps", "rtt_ms", "plan_mbps"]

    /// When the latest line result was measured and who started that test: the last columns,
    /// after the service columns, so a reader that takes columns by position keeps working.
    public static let testedHeader = ["tested_at", "tested_by"]

    /// Where the latest result's light is most likely lost (the place in words and the evidence;
    /// empty without a result): the last column, so readers by position keep working. Advisory.
    public static let diagnosisHeader = ["diagnosis"]

    /// The columns every report has.
    public static let baseHeader = [
        "splitter", "splitter_port", "onu_name", "olt_tx_dbm", "olt_rx_dbm", "onu_tx_dbm", "onu_rx_dbm",
        "downstream_attenuation_db", "upstream_attenuation_db", "line_verdict", "service_verdict", "overall_verdict",
        "reasons", "warnings",
    ]

    /// One port as the report reads it: its activation-list row, its latest line result and its
    /// latest judged service test.
    public struct Port: Sendable {
        public var row: ActivationListRow
        public var latest: LineResultRecord?
        public var service: ServiceTest?
        /// Where the latest result's light is most likely lost; nil without a result.
        public var diagnosis: Diagnosis?
    }

    /// Whether the service columns are written: only for a project that needs a service test.
    public let serviceColumns: Bool
    /// The ports in the store's order (splitter, then port).
    public private(set) var ports: [Port] = []
    /// Each splitter's diagnosis as a whole, in the report's order of splitters.
    public private(set) var splitterDiagnoses: [SplitterDiagnosis] = []

    /// An empty report; `serviceColumns` for a project that needs a service test.
    public init(serviceColumns: Bool = false) {
        self.serviceColumns = serviceColumns
    }

    /// The report of project `code` as the store holds it now; an unknown project has no rows.
    /// The diagnoses compare every result on each OLT of the project, predicted with `figures`.
    public static func load(
        project code: String, from store: any AcceptanceStore & ServiceTestStore & DiagnosisStore,
        figures: LossFigures = .standard
    ) async throws -> ProjectReport {
        let rows = try await store.activationList(projectCode: code)
        let serviceColumns = rows.first?.workflow.verdict.serviceRequired ?? false
        var report = ProjectReport(serviceColumns: serviceColumns)
        // One read of each OLT's results serves every port and splitter on it.
        var links: [ManagementAddress: ODNLinks] = [:]
        for olt in Set(rows.map(\.olt)) { links[olt] = try await store.odnLinks(olt: olt, figures: figures) }
        var seen: Set<SplitterKey> = []
        for row in rows {
            let service = serviceColumns ? try await store.serviceTests(row.key).last { $0.verdict != nil } : nil
            let splitter = SplitterKey(projectCode: row.key.projectCode, name: row.key.splitter)
            if seen.insert(splitter).inserted, let summary = links[row.olt]?.summary(splitter) {
                report.add(summary)
            }
            let latest = try await store.lineResults(row.key).last
            report.add(
                row, latest: latest, service: service,
                diagnosis: latest == nil ? nil : links[row.olt]?.diagnose(row.key))
        }
        return report
    }

    /// Adds a port with its latest line result, for a service-tested project its latest judged
    /// service test, and the diagnosis of its latest result.
    public mutating func add(
        _ row: ActivationListRow, latest: LineResultRecord?, service: ServiceTest? = nil, diagnosis: Diagnosis? = nil
    ) {
        ports.append(Port(row: row, latest: latest, service: service, diagnosis: diagnosis))
    }

    /// Adds a splitter's diagnosis as a whole.
    public mutating func add(_ splitter: SplitterDiagnosis) { splitterDiagnoses.append(splitter) }

    /// The column names of ``rows``.
    public var header: [String] {
        Self.baseHeader + (serviceColumns ? Self.serviceHeader : []) + Self.testedHeader + Self.diagnosisHeader
    }

    /// One row of cells per port, in ``header``'s order.
    public var rows: [[Cell]] { ports.map(cells) }

    func cells(_ port: Port) -> [Cell] {
        let latest = port.latest
        let readings = latest?.readings
        let verdict = port.row.workflow.verdict
        // Numbers this file formats itself go out as they are, so a spreadsheet keeps -21.40 a
        // number; every text cell (names from an import, reasons) is neutralised.
        var fields: [Cell] = [
            .text(port.row.key.splitter), .number(String(port.row.key.port)), .text(port.row.onuName),
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
            let service = port.service
            let judged = service?.verdict
            let m = judged?.measurement
            func number(_ value: Double?) -> Cell { .number(value.map { String(format: "%.1f", $0) }) }
            fields += [
                .text(judged.map { v in v.failure.map { "\($0.code): \(v.reason)" } ?? v.reason } ?? ""),
                number(m?.downMbps), number(m?.upMbps), number(m?.rttMs),
                number(service.map(\.planMbps)),
            ]
        }
        fields += [.text(latest.map { Self.timestamp($0.at) } ?? ""), .text(latest?.testedBy ?? "")]
        fields.append(.text(latest == nil ? "" : port.diagnosis.map(Self.diagnosisText) ?? ""))
        return fields
    }

    /// `the splitter or its input (likely): all 4 tested ports …`: the place in words, how sure,
    /// and the evidence, as the diagnosis column holds it.
    public static func diagnosisText(_ d: Diagnosis) -> String {
        "\(d.place.words) (\(d.certainty.rawValue)): \(d.evidence)"
    }

    /// One cell of a row: a number this file formatted, or text that came from outside.
    public enum Cell: Sendable, Hashable {
        /// A number formatted here (`-21.40`, `3`, `287.5`); nil is an empty cell.
        case number(String?)
        /// Text: a name from an import or a reason; neutralised against formula injection.
        case text(String)

        /// The cell's text as every format writes it: a number as formatted, text neutralised.
        public var value: String {
            switch self {
            case .number(let value): value ?? ""
            case .text(let value): ProjectReport.neutralised(value)
            }
        }

        /// The cell as written to the CSV file (RFC 4180).
        public var field: String { ProjectReport.escape(value) }
    }

    /// `2026-09-21T08:15:00Z`: UTC, to the second, as every reader of the report reads it alike.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// The characters a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
    public static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Text that a spreadsheet would run as a formula (a splitter named `=cmd|x`) gets a leading
    /// single quote, OWASP's rule: the spreadsheet shows it as text and hides the quote.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarts.contains(Character(first)) else { return text }
        return "'" + text
    }

    /// The report as CSV: a header line, then one line per port, CRLF line ends.
    public var csv: String {
        ([header.joined(separator: ",")] + rows.map { $0.map(\.field).joined(separator: ",") })
            .joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
