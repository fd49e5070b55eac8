import FTTHCore
import Foundation

extension ProjectReport {
    /// What a splitter's ports (or the whole project's) came to: the summary a handheld test
    /// set prints per splitter.
    public struct Summary: Sendable, Hashable {
        /// The splitter's name; empty for the project's totals.
        public var splitter: String
        public var ports = 0
        /// Ports with a line result.
        public var tested = 0
        /// Ports whose overall verdict is pass.
        public var passed = 0
        /// Ports whose overall verdict (or, before a service test, line verdict) is fail.
        public var failed = 0
        /// The lowest and highest ONU rx of the latest results.
        public var minONURx: DBm?
        public var maxONURx: DBm?
        /// When the first and the latest of the latest results were measured.
        public var firstTested: Date?
        public var lastTested: Date?

        /// Ports without a line result.
        public var untested: Int { ports - tested }

        mutating func add(_ port: Port) {
            ports += 1
            let verdict = port.row.workflow.verdict
            if verdict.overall == .pass { passed += 1 }
            if verdict.overall == .fail || (verdict.overall == nil && verdict.line == .fail) { failed += 1 }
            guard let latest = port.latest else { return }
            tested += 1
            if let rx = latest.readings.onuRx.value {
                minONURx = Swift.min(minONURx ?? rx, rx)
                maxONURx = Swift.max(maxONURx ?? rx, rx)
            }
            firstTested = Swift.min(firstTested ?? latest.at, latest.at)
            lastTested = Swift.max(lastTested ?? latest.at, latest.at)
        }
    }

    /// One summary per splitter, in the report's order.
    public var splitterSummaries: [Summary] {
        var order: [String] = []
        var byName: [String: Summary] = [:]
        for port in ports {
            let name = port.row.key.splitter
            if byName[name] == nil {
                order.append(name)
                byName[name] = Summary(splitter: name)
            }
            byName[name]?.add(port)
        }
        return order.compactMap { byName[$0] }
    }

    /// The whole project's summary.
    public var totals: Summary {
        var all = Summary(splitter: "")
        for port in ports { all.add(port) }
        return all
    }

    /// The columns of the per-splitter sheet.
    public static let summaryHeader = [
        "splitter", "ports", "tested", "passed", "failed", "untested", "min_onu_rx_dbm", "max_onu_rx_dbm",
        "first_tested_utc", "last_tested_utc",
    ]

    /// One row per splitter, in ``summaryHeader``'s order; text neutralised as in ``rows``.
    public var summaryRows: [[Cell]] {
        splitterSummaries.map { s in
            [
                .text(s.splitter), .number(String(s.ports)), .number(String(s.tested)), .number(String(s.passed)),
                .number(String(s.failed)), .number(String(s.untested)), .number(s.minONURx?.decimalString),
                .number(s.maxONURx?.decimalString), .text(s.firstTested.map(Self.utc) ?? ""),
                .text(s.lastTested.map(Self.utc) ?? ""),
            ]
        }
    }

    /// `2026-09-21 08:30` in UTC: a time every reader of the report reads the same way.
    public static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// The columns of the per-splitter diagnosis: where each splitter's light is most likely lost.
    public static let diagnosisSectionHeader = ["splitter", "tested", "lossy_ports", "place", "certainty", "evidence"]

    /// One row per splitter, in ``diagnosisSectionHeader``'s order: the ports compared, the
    /// lossy ones (`3 5 7`), the place in words, how sure, and the evidence.
    public var diagnosisRows: [[Cell]] {
        splitterDiagnoses.map { d in
            [
                .text(d.splitter.name), .number(String(d.tested)),
                .text(d.lossyPorts.map(String.init).joined(separator: " ")), .text(d.place.words),
                .text(d.certainty.rawValue), .text(d.evidence),
            ]
        }
    }

    /// The report as a workbook: the rows of ``csv`` on the first sheet, the per-splitter
    /// summaries on the second, the per-splitter diagnosis on the third.
    public var workbook: XLSXWorkbook {
        XLSXWorkbook(sheets: [
            .init(name: "report", header: header, rows: rows),
            .init(name: "splitters", header: Self.summaryHeader, rows: summaryRows),
            .init(name: "diagnosis", header: Self.diagnosisSectionHeader, rows: diagnosisRows),
        ])
    }

    /// The ONU rx of every latest result that has one, and how many tested ports have none.
    public var onuRx: (values: [DBm], missing: Int) {
        var values: [DBm] = []
        var missing = 0
        for port in ports {
            guard let latest = port.latest else { continue }
            if let rx = latest.readings.onuRx.value { values.append(rx) } else { missing += 1 }
        }
        return (values, missing)
    }
}
