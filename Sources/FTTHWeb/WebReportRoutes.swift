import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHReport
import Foundation
import Hummingbird

/// A project's acceptance report (DESIGN §2 step 6) on the pages: a printable page — totals,
/// per-splitter summaries, the limits that applied, an SVG histogram of ONU rx against the
/// limits, and every port's row — and the same rows as CSV and XLSX downloads. The rows are
/// ``ProjectReport``'s, the ones the API's report.csv and report.xlsx carry.
struct WebReportRoutes: Sendable {
    let pages: WebPages
    let store: any WebStore
    /// The configuration's threshold profiles, which the store's changes overlay.
    let profiles: [String: ThresholdProfile]
    /// The figures the diagnosis predicts each link's loss with (`[diagnosis]`).
    let figures: LossFigures
    let now: @Sendable () -> Date

    func register(on router: Router<WebRequestContext>) {
        let people = router.group().add(middleware: RequireRoleMiddleware(roles: [.crew, .admin], pages: pages))
        people.get("/projects/:code/report", use: page)
        people.get("/projects/:code/report.csv", use: csv)
        people.get("/projects/:code/report.xlsx", use: xlsx)
    }

    /// The project of the path and its report; nil when no project has that code.
    func load(_ context: WebRequestContext) async throws -> (ProjectSummary, ProjectReport)? {
        let code = try context.parameters.require("code").removingPercentEncoding ?? ""
        guard let summary = try await store.project(code) else { return nil }
        return (summary, try await ProjectReport.load(project: code, from: store, figures: figures))
    }

    func notFound(_ context: WebRequestContext) throws -> Response {
        try pages.message(status: .notFound, heading: "not_found_title", text: "not_found_text", context: context)
    }

    @Sendable func csv(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let loaded = try await load(context) else { return try notFound(context) }
        let (summary, report) = loaded
        return Self.download(
            ByteBuffer(string: report.csv), type: "text/csv; charset=utf-8",
            filename: "\(summary.project.code)-report.csv")
    }

    @Sendable func xlsx(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let loaded = try await load(context) else { return try notFound(context) }
        let (summary, report) = loaded
        return Self.download(
            ByteBuffer(bytes: try report.workbook.data()), type: XLSXWorkbook.contentType,
            filename: "\(summary.project.code)-report.xlsx")
    }

    static func download(_ body: ByteBuffer, type: String, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = ContentDisposition.attachment(filename: filename)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    @Sendable func page(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let loaded = try await load(context) else { return try notFound(context) }
        let (summary, report) = loaded
        let language = context.session?.account.language ?? .zh
        let s = { (key: String) in pages.strings.string(key, language) }
        let code = summary.project.code
        let base = "/projects/\(WebPages.segment(code))"

        // The limits each port's latest result was judged by, kept with its run.
        let inForce = try await store.thresholdProfiles(configured: profiles)
        var applied: [ThresholdProfile] = []
        var appliedPorts: [ThresholdProfile: Int] = [:]
        for port in report.ports {
            guard let id = port.latest?.runID, let run = try await store.testRun(id: id) else { continue }
            guard let limits = run.limits ?? inForce.first(where: { $0.name == run.profile }) else { continue }
            if appliedPorts[limits] == nil { applied.append(limits) }
            appliedPorts[limits, default: 0] += 1
        }
        let shownProfiles = applied.isEmpty ? inForce.filter { $0.name == "build" } : applied
        let limitRows: [[String: Any]] = shownProfiles.map { profile in
            [
                "name": profile.name, "ports": appliedPorts[profile] ?? 0,
                "limits": ThresholdKey.allCases.map { key -> [String: Any] in
                    let value = profile.decimalString(key)
                    return [
                        "label": s("report_limit_\(key.rawValue)"),
                        "value": value.map { "\($0) \(key.unit)" } ?? s("report_not_judged"),
                        "binding": value == nil
                            ? "" : s(profile.binds(key.check) ? "report_binding" : "report_advisory"),
                    ]
                },
            ]
        }

        // A line per ONU rx limit of the profiles that applied and those in force; profiles
        // that share a limit share its line (`build/user ≤ -8.00`).
        var lines: [WebReportHistogram.Limit] = []
        var names: [String: [String]] = [:]
        var order: [String] = []
        for profile in applied + inForce {
            for (value, sign) in [(profile.minONURx, "≥"), (profile.maxONURx, "≤")] {
                guard let value else { continue }
                let key = "\(sign) \(value.decimalString)"
                if names[key] == nil {
                    order.append(key)
                    lines.append(.init(value: value, label: key, applied: false))
                }
                if names[key]?.contains(profile.name) != true { names[key, default: []].append(profile.name) }
                if applied.isEmpty || applied.contains(profile), let i = order.firstIndex(of: key) {
                    lines[i].applied = true
                }
            }
        }
        for (i, key) in order.enumerated() {
            lines[i].label = (names[key] ?? []).joined(separator: "/") + " " + key
        }
        let rx = report.onuRx
        let histogram = ONURxHistogram(values: rx.values, missing: rx.missing, limits: lines.map(\.value))
        let chart = WebReportHistogram(histogram: histogram, limits: lines)

        let totals = report.totals
        let splitters: [[String: Any]] = report.splitterSummaries.map { x in
            [
                "splitter": x.splitter, "ports": x.ports, "tested": x.tested, "passed": x.passed, "failed": x.failed,
                "untested": x.untested,
                "rx": x.minONURx.map { "\($0.decimalString) … \(x.maxONURx?.decimalString ?? "")" } ?? "",
                "first": x.firstTested.map(ProjectReport.utc) ?? "", "last": x.lastTested.map(ProjectReport.utc) ?? "",
            ]
        }
        let columns: [[String: Any]] = report.header.map { ["label": s("report_col_\($0)"), "name": $0] }
        let rows: [[String: Any]] = report.rows.map { cells in
            [
                "cells": cells.map { cell -> [String: Any] in
                    // Shown as stored: the page runs no formulas, so the spreadsheet's quote is not needed.
                    switch cell {
                    case .number(let v): ["value": v ?? "", "number": true]
                    case .text(let v): ["value": v, "number": false]
                    }
                }
            ]
        }
        let diagnoses: [[String: Any]] = report.splitterDiagnoses.map { d in
            [
                "splitter": d.splitter.name, "tested": d.tested,
                "lossy": d.lossyPorts.map(String.init).joined(separator: ", "),
                "place": s("diagnosis_place_\(d.place.rawValue)"),
                "certainty": s("diagnosis_certainty_\(d.certainty.rawValue)"), "evidence": d.evidence,
            ]
        }
        var values: [String: Any] = [
            "diagnoses": diagnoses, "hasDiagnoses": !diagnoses.isEmpty,
            "code": code, "name": summary.project.name, "generated": ProjectReport.utc(now()),
            "csvHref": "\(base)/report.csv", "xlsxHref": "\(base)/report.xlsx",
            "projectHref": base, "ports": totals.ports, "tested": totals.tested, "passed": totals.passed,
            "failed": totals.failed, "untested": totals.untested, "splitters": splitters, "columns": columns,
            "rows": rows, "profiles": limitRows, "appliedNone": applied.isEmpty,
            "chart": chart.values(axisX: s("report_axis_rx"), axisY: s("report_axis_ports")),
            "hasChart": histogram.total > 0, "missing": histogram.missing, "hasMissing": histogram.missing > 0,
            "first": totals.firstTested.map(ProjectReport.utc) ?? "",
            "last": totals.lastTested.map(ProjectReport.utc) ?? "",
        ]
        values["hasTests"] = totals.tested > 0
        return try pages.render("report-page", title: "report_title", values: values, context: context)
    }
}
