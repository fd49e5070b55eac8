import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHReport
import Foundation
import Hummingbird
import Logging

/// Import from the browser (administrators): the resource system's project file or test CVLAN
/// ranges, as CSV or as the first sheet of an XLSX workbook. An upload is first only checked —
/// by the importer the API and ftthctl use, against what is stored — and every problem is shown
/// with its line and column; nothing is saved until the administrator confirms, and then the
/// page streams its progress project by project (no script needed).
struct WebImportRoutes: Sendable {
    let pages: WebPages
    let store: any WebStore
    let configuration: AcceptdConfiguration
    let now: @Sendable () -> Date
    let jobs = WebImportJobs()

    /// The kinds of file the page takes.
    enum Kind: String, CaseIterable {
        case projects
        case cvlans
    }

    /// At most this many problems are listed; the count says how many there are.
    static let shownProblems = 200

    func register(on router: Router<WebRequestContext>) {
        let admin = router.group().add(middleware: RequireRoleMiddleware(roles: [.admin], pages: pages))
        admin.get("/admin/import", use: page)
        admin.post("/admin/import", use: check)
        admin.post("/admin/import/:job/save", use: save)
    }

    func language(_ context: WebRequestContext) -> WebLanguage { context.session?.account.language ?? .zh }

    func render(
        _ context: WebRequestContext, values: [String: Any] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var all = values
        let kind = (values["kind"] as? String) ?? Kind.projects.rawValue
        all["kinds"] = Kind.allCases.map { k in
            [
                "value": k.rawValue, "label": pages.strings.string("import_kind_\(k.rawValue)", language(context)),
                "checked": k.rawValue == kind,
            ] as [String: Any]
        }
        all["maxMiB"] = configuration.importLimits.maxFileBytes / (1 << 20)
        return try pages.render("import-page", title: "import_title", values: all, context: context, status: status)
    }

    @Sendable func page(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try render(context)
    }

    /// The dry run: reads the upload, checks it whole, shows its problems or what it would save.
    @Sendable func check(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(context)
        let s = { (key: String) in pages.strings.string(key, language) }
        let upload: WebUpload
        do {
            try WebForm.checkOrigin(request)
            // The file's own limit, and room for the form around it.
            upload = try await WebUpload.read(request, limit: configuration.importLimits.maxFileBytes + 64 * 1024)
        } catch WebForm.Refusal.crossSite(let why) {
            context.logger.warning("web: refused an import as cross-site: \(why)")
            return try pages.message(status: .forbidden, heading: "csrf_title", text: "csrf_text", context: context)
        } catch WebUpload.Refusal.tooLarge {
            return try render(
                context, values: ["error": s("import_too_large")], status: .contentTooLarge)
        } catch WebUpload.Refusal.malformed(let why) {
            return try render(context, values: ["error": "\(s("import_unreadable")) (\(why))"], status: .badRequest)
        }
        guard let session = context.session, let sent = upload["csrf"],
            WebForm.constantTimeEqual(sent, session.csrfToken)
        else {
            return try pages.message(status: .forbidden, heading: "csrf_title", text: "csrf_text", context: context)
        }
        let kind = Kind(rawValue: upload["kind"] ?? "") ?? .projects
        guard let file = upload.files.first(where: { $0.name == "file" }), !file.body.isEmpty else {
            return try render(
                context, values: ["error": s("import_no_file"), "kind": kind.rawValue], status: .badRequest)
        }
        let name = Self.fileName(file.filename)
        let outcome = await Self.validate(
            Data(file.body), file: name, kind: kind, limits: configuration.importLimits, store: store)
        switch outcome {
        case .refused(let problems, let total):
            context.logger.notice(
                "web: \(session.account.name) checked \(name) (\(kind.rawValue)): \(total) problem(s), nothing saved")
            let rows: [[String: Any]] = problems.map {
                [
                    "line": $0.location.line > 0 ? "\($0.location.line)" : "", "column": $0.location.column ?? "",
                    "message": $0.message,
                ]
            }
            return try render(
                context,
                values: [
                    "kind": kind.rawValue, "file": name, "problems": rows, "hasProblems": true, "problemCount": total,
                    "hasMore": total > rows.count, "shown": rows.count,
                ], status: .unprocessableContent)
        case .unreadable(let why):
            return try render(
                context, values: ["kind": kind.rawValue, "error": "\(s("import_unreadable")): \(why)"],
                status: .unprocessableContent)
        case .checked(let payload):
            let id = await jobs.add(owner: session.account.name, file: name, payload: payload, at: now())
            var facts: [[String: Any]] = []
            switch payload {
            case .projects(let plan):
                facts = [
                    ["label": s("import_projects"), "value": plan.projects.count],
                    ["label": s("import_olts"), "value": plan.olts.count],
                    ["label": s("import_splitters"), "value": plan.splitters.count],
                    ["label": s("import_ports"), "value": plan.portCount],
                ]
            case .cvlans(let ranges):
                facts = ranges.ranges.map { ["label": $0.value.name, "value": "\($0.value.first)–\($0.value.last)"] }
            }
            return try render(
                context,
                values: [
                    "kind": kind.rawValue, "file": name, "checked": true, "facts": facts,
                    "saveHref": "/admin/import/\(id)/save",
                ])
        }
    }

    /// A person's file name as a label in messages: the last path component, kept short.
    static func fileName(_ name: String?) -> String {
        let last = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.isEmpty ? "upload" : String(last.prefix(80))
    }

    /// What a check found.
    enum Outcome {
        case checked(WebImportJobs.Payload)
        /// The first ``shownProblems`` problems and how many there are in all.
        case refused([CSVProblem], Int)
        case unreadable(String)
    }

    /// Checks `bytes` — an XLSX workbook by its content (a ZIP archive), else CSV text — with the
    /// importer's own rules, then against the store (a project code or range name stored
    /// already), without writing anything.
    static func validate(
        _ bytes: Data, file: String, kind: Kind, limits: ImportLimits, store: any WebStore
    ) async -> Outcome {
        let text: String
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            do {
                // A sheet's XML is several times its CSV: the limit on the file, times eight.
                text = try XLSXSheetReader(data: bytes, maxPartBytes: limits.maxFileBytes * 8).csv
            } catch {
                return .unreadable("\(error)")
            }
        } else {
            guard let decoded = String(data: bytes, encoding: .utf8) else {
                return .unreadable("\(file) is neither an XLSX workbook nor UTF-8 text")
            }
            text = decoded
        }
        do {
            switch kind {
            case .projects:
                var reader = ProjectImportPlan.Reader(file: file, limits: limits)
                try reader.read(text.utf8)
                let plan = try reader.finish()
                let stored = try await store.storedProjectCodes(among: plan.projects.map(\.value.code))
                let clashes = plan.projects.filter { stored.contains($0.value.code) }.map {
                    CSVProblem(
                        $0.location,
                        "project \($0.value.code) was already imported; remove its rows (changing an imported project is not supported yet)"
                    )
                }
                if !clashes.isEmpty { throw CSVProblems(clashes) }
                return .checked(.projects(plan))
            case .cvlans:
                let ranges = try CVLANRangeImport(csv: text, file: file)
                let stored = Set(try await store.cvlanRanges().map(\.name))
                let clashes = ranges.ranges.filter { stored.contains($0.value.name) }.map {
                    CSVProblem($0.location, "range '\($0.value.name)' is already stored; give it another name")
                }
                if !clashes.isEmpty { throw CSVProblems(clashes) }
                return .checked(.cvlans(ranges))
            }
        } catch let problems as CSVProblems {
            return .refused(Array(problems.problems.prefix(shownProblems)), problems.problems.count)
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// Saves a checked upload. Projects are written one transaction each while the page streams
    /// how many are written; ranges in one transaction.
    @Sendable func save(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch WebForm.Refusal.crossSite(let why) {
            context.logger.warning("web: refused an import confirmation as cross-site: \(why)")
            return try pages.message(status: .forbidden, heading: "csrf_title", text: "csrf_text", context: context)
        }
        let language = language(context)
        let s = { (key: String) in pages.strings.string(key, language) }
        guard let session = context.session,
            let job = await jobs.take(context.parameters.get("job") ?? "", owner: session.account.name, at: now())
        else {
            return try render(context, values: ["error": s("import_expired")], status: .notFound)
        }
        let source = "web upload by \(session.account.name) (\(job.file))"
        let at = now()
        let logger = context.logger
        switch job.payload {
        case .cvlans(let ranges):
            do {
                let n = try await store.importCVLANRanges(ranges, source: source, at: at)
                logger.notice("web: \(session.account.name) imported \(n) CVLAN range(s) from \(job.file)")
                return try render(
                    context, values: ["done": true, "doneText": "\(s("import_saved_ranges")): \(n)", "kind": "cvlans"])
            } catch {
                return try render(
                    context, values: ["error": "\(s("import_failed")): \(error)", "kind": "cvlans"],
                    status: .conflict)
            }
        case .projects(let plan):
            let pages = self.pages
            let store = self.store
            let configuration = self.configuration
            let start = try pages.html(
                "import-progress-start", title: "import_title",
                values: ["file": job.file, "total": plan.projects.count], context: context)
            let step: @Sendable (ImportProgress) throws -> String = { p in
                try pages.html(
                    "import-progress-step", title: "import_title",
                    values: [
                        "written": p.projects, "total": p.totalProjects, "ports": p.ports, "lastProject": p.lastProject,
                    ],
                    context: context)
            }
            let end: @Sendable ([String: Any]) throws -> String = { values in
                try pages.html("import-progress-end", title: "import_title", values: values, context: context)
            }
            let total = plan.projects.count
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: start))
                let (progress, continuation) = AsyncStream.makeStream(of: ImportProgress.self)
                async let outcome: Result<ImportSummary, any Error> = {
                    defer { continuation.finish() }
                    do {
                        return .success(
                            try await store.importProjectsByProject(
                                plan, namingRule: configuration.namingRule, source: source, at: at,
                                policy: configuration.activation,
                                afterEach: { _ = continuation.yield($0) }))
                    } catch {
                        return .failure(error)
                    }
                }()
                // A line per twentieth of the projects, and the last one: a bar's worth, not a flood.
                let every = max(1, total / 20)
                for await p in progress where p.projects % every == 0 || p.projects == p.totalProjects {
                    try await writer.write(ByteBuffer(string: try step(p)))
                }
                switch await outcome {
                case .success(let summary):
                    logger.notice(
                        "web: \(session.account.name) imported \(job.file): \(summary.projects) project(s), \(summary.ports) port(s)"
                    )
                    try await writer.write(
                        ByteBuffer(
                            string: try end([
                                "done": true, "projects": summary.projects, "splitters": summary.splitters,
                                "ports": summary.ports, "olts": summary.olts,
                            ])))
                case .failure(let error):
                    logger.error("web: the import of \(job.file) by \(session.account.name) stopped: \(error)")
                    try await writer.write(ByteBuffer(string: try end(["error": "\(error)"])))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: body)
        }
    }
}
