import FTTHAPI
import FTTHCore
import FTTHEngine
import Foundation
import Hummingbird
import Logging

/// The handlers of the web pages.
struct WebRoutes: Sendable {
    let pages: WebPages
    let store: any WebStore
    let engine: AcceptanceEngine?
    let settings: WebSettings
    let now: @Sendable () -> Date
    let clock: any Clock<Duration>
    let limiter: AuthFailureLimiter
    /// The figures the diagnosis of where light is lost predicts each link's loss with.
    var figures = LossFigures.standard

    func register(on router: Router<WebRequestContext>) {
        router.get("/static/:file", use: staticFile)
        router.get("/", use: home)
        router.get("/sign-in", use: signInPage)
        router.post("/sign-in", use: signIn)
        router.get("/code/:code", use: codePage)
        router.post("/code", use: redeemCode)
        router.post("/sign-out", use: signOut)

        let people = router.group().add(middleware: RequireRoleMiddleware(roles: [.crew, .admin], pages: pages))
        people.get("/projects", use: projects)
        people.get("/projects/:code", use: project)
        people.get("/projects/:code/find", use: findSplitter)
        people.get("/projects/:code/splitters/:splitter", use: splitter)
        people.post("/projects/:code/splitters/:splitter/ports/:port/test", use: startTest)
        people.get("/runs/:id", use: run)
        people.get("/runs/:id/step", use: runStep)
        people.get("/runs/:id/events", use: runEvents)
        WebEvidenceRoutes(pages: pages, store: store, settings: settings, now: now).register(on: people)

        let admin = router.group("admin").add(middleware: RequireRoleMiddleware(roles: [.admin], pages: pages))
        // Anything else under /admin is an administrator's too: a crew session gets 403, not 404.
        admin.get("**", use: notFound)
        admin.post("**", use: notFound)
        // Unknown paths get the page, with the security headers, rather than a bare 404.
        router.get("**", use: notFound)
    }

    // MARK: Without a session

    @Sendable func staticFile(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let name = context.parameters.get("file"), let file = pages.files[name] else {
            return try await notFound(request, context)
        }
        return Response(status: .ok, headers: [.contentType: file.type], body: .init(byteBuffer: file.body))
    }

    @Sendable func home(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        WebPages.redirect(context.session == nil ? "/sign-in" : "/projects")
    }

    @Sendable func notFound(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try pages.message(status: .notFound, heading: "not_found_title", text: "not_found_text", context: context)
    }

    @Sendable func signInPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        if context.session != nil { return WebPages.redirect("/projects") }
        return try pages.render("sign-in", title: "sign_in_title", values: [:], context: context)
    }

    @Sendable func signIn(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try refuseForm(error, request: request, context: context)
        }
        let name = form["name"] ?? ""
        let password = form["password"] ?? ""
        if let stored = try await store.account(name: name), let hash = stored.passwordHash,
            await WebSite.verifyPassword(password, hash: hash)
        {
            return try await openSession(for: stored.account, context: context)
        }
        let source = context.remoteAddress ?? "unknown"
        let verdict = limiter.fail(source: source)
        context.logger.warning(
            "web: sign-in failed", metadata: ["http.peer": "\(source)", "account": "\(name)"])
        let key: String
        let status: HTTPResponse.Status
        switch verdict {
        case .unauthorized: (key, status) = ("sign_in_failed", .unauthorized)
        case .throttled: (key, status) = ("sign_in_throttled", .tooManyRequests)
        }
        return try pages.render(
            "sign-in", title: "sign_in_title",
            values: ["error": pages.strings.string(key, .zh) + " / " + pages.strings.string(key, .en), "name": name],
            context: context, status: status)
    }

    @Sendable func codePage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        return try pages.render("code", title: "code_title", values: ["code": code], context: context)
    }

    @Sendable func redeemCode(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        // A code page is opened on a phone that may still hold someone else's session: the
        // code, single use, is the proof here, not that session's token.
        var anonymous = context
        anonymous.session = nil
        do { form = try await WebForm.read(request, context: anonymous) } catch {
            return try refuseForm(error, request: request, context: context)
        }
        guard let code = form["code"], !code.isEmpty, let account = try await store.redeemSignInCode(code, at: now())
        else {
            let source = context.remoteAddress ?? "unknown"
            _ = limiter.fail(source: source)
            context.logger.warning(
                "web: an unknown, used or expired sign-in code", metadata: ["http.peer": "\(source)"])
            return try pages.render(
                "code", title: "code_title",
                values: [
                    "error": pages.strings.string("code_invalid", .zh) + " / "
                        + pages.strings.string("code_invalid", .en)
                ], context: anonymous, status: .unauthorized)
        }
        if let old = context.sessionID { try await store.revokeSession(id: old, at: now()) }
        return try await openSession(for: account, context: context)
    }

    @Sendable func signOut(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch {
            return try refuseForm(error, request: request, context: context)
        }
        if let id = context.sessionID { try await store.revokeSession(id: id, at: now()) }
        var headers = HTTPFields()
        headers[.setCookie] = cookie(value: "", maxAge: 0)
        return WebPages.redirect("/sign-in", headers: headers)
    }

    func openSession(for account: WebAccount, context: WebRequestContext) async throws -> Response {
        let seconds = settings.sessionLifetime.components.seconds
        let issued = try await store.openSession(
            for: account.name, expiresAt: now().addingTimeInterval(TimeInterval(seconds)), at: now())
        context.logger.notice("web: \(account.name) (\(account.role)) signed in")
        var headers = HTTPFields()
        headers[.setCookie] = cookie(value: issued.id, maxAge: Int(seconds))
        return WebPages.redirect("/projects", headers: headers)
    }

    func cookie(value: String, maxAge: Int) -> String {
        "\(SessionMiddleware.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (settings.secureCookies ? "; Secure" : "")
    }

    func refuseForm(_ error: any Error, request: Request, context: WebRequestContext) throws -> Response {
        if case WebForm.Refusal.crossSite(let why) = error {
            context.logger.warning(
                "web: refused \(request.method) \(request.uri.path) as cross-site: \(why)",
                metadata: ["http.peer": "\(context.remoteAddress ?? "unknown")"])
            return try pages.message(status: .forbidden, heading: "csrf_title", text: "csrf_text", context: context)
        }
        throw error
    }

    // MARK: Crew pages

    @Sendable func projects(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let projects = try await store.projects(after: nil, limit: 200)
        let rows: [[String: Any]] = projects.map { p in
            [
                "href": "/projects/\(WebPages.segment(p.project.code))", "code": p.project.code,
                "name": p.project.name, "ports": p.ports, "tested": p.tested, "passed": p.passed, "failed": p.failed,
            ]
        }
        return try pages.render("projects", title: "projects_title", values: ["projects": rows], context: context)
    }

    /// A port's state on the pages: its overall verdict, or untested.
    static func state(_ row: ActivationListRow) -> String {
        switch row.workflow.verdict.overall {
        case .pass?: "passed"
        case .fail?: "failed"
        case nil: row.workflow.verdict.line == .fail ? "failed" : "untested"
        }
    }

    @Sendable func project(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try await projectPage(request, context, label: "", error: nil)
    }

    func projectPage(_ request: Request, _ context: WebRequestContext, label: String, error: String?) async throws
        -> Response
    {
        let code = try context.parameters.require("code").removingPercentEncoding ?? ""
        guard let summary = try await store.project(code) else { return try await notFound(request, context) }
        let rows = try await store.activationList(projectCode: code)
        var order: [String] = []
        var bySplitter: [String: [ActivationListRow]] = [:]
        for row in rows {
            if bySplitter[row.key.splitter] == nil { order.append(row.key.splitter) }
            bySplitter[row.key.splitter, default: []].append(row)
        }
        let splitters: [[String: Any]] = order.map { label in
            let ports = bySplitter[label] ?? []
            return [
                "label": label, "href": "/projects/\(WebPages.segment(code))/splitters/\(WebPages.segment(label))",
                "ports": ports.count, "untested": ports.filter { Self.state($0) == "untested" }.count,
                "failed": ports.filter { Self.state($0) == "failed" }.count,
            ]
        }
        var values: [String: Any] = [
            "code": code, "name": summary.project.name, "splitters": splitters, "label": label,
            "findHref": "/projects/\(WebPages.segment(code))/find",
            "reportHref": "/projects/\(WebPages.segment(code))/report",
        ]
        if let error { values["error"] = error }
        return try pages.render(
            "project", title: "splitters_title", values: values, context: context,
            status: error == nil ? .ok : .notFound)
    }

    /// The splitter whose label the crew typed (or scanned), case and spaces forgiven.
    @Sendable func findSplitter(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let code = try context.parameters.require("code").removingPercentEncoding ?? ""
        let typed = request.uri.queryParameters.get("label") ?? ""
        func normal(_ s: String) -> String { s.uppercased().filter { !$0.isWhitespace } }
        let rows = try await store.activationList(projectCode: code)
        if let match = rows.first(where: { normal($0.key.splitter) == normal(typed) }) {
            return WebPages.redirect(
                "/projects/\(WebPages.segment(code))/splitters/\(WebPages.segment(match.key.splitter))")
        }
        let language = context.session?.account.language ?? .zh
        return try await projectPage(
            request, context, label: typed, error: pages.strings.string("splitter_unknown", language))
    }

    @Sendable func splitter(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try await splitterPage(request, context, error: nil, status: .ok)
    }

    func splitterPage(
        _ request: Request, _ context: WebRequestContext, error: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let code = try context.parameters.require("code").removingPercentEncoding ?? ""
        let splitter = try context.parameters.require("splitter").removingPercentEncoding ?? ""
        let rows = try await store.activationList(projectCode: code).filter { $0.key.splitter == splitter }
        guard !rows.isEmpty else { return try await notFound(request, context) }
        let language = context.session?.account.language ?? .zh
        let base = "/projects/\(WebPages.segment(code))/splitters/\(WebPages.segment(splitter))"
        var ports: [[String: Any]] = []
        for row in rows.sorted(by: { $0.key.port < $1.key.port }) {
            let state = Self.state(row)
            var port: [String: Any] = [
                "port": row.key.port, "state": state, "stateText": pages.strings.string("state_\(state)", language),
                "testHref": "\(base)/ports/\(row.key.port)/test",
            ]
            if let last = try await store.testRuns(row.key).last { port["runHref"] = "/runs/\(last.id)" }
            ports.append(port)
        }
        var values: [String: Any] = [
            "code": code, "splitter": splitter, "ports": ports, "projectHref": "/projects/\(WebPages.segment(code))",
        ]
        // Where the splitter's light is lost, once a port has a result to compare.
        if let olt = rows.first?.olt,
            let d = try await store.odnLinks(olt: olt, figures: figures).summary(
                SplitterKey(projectCode: code, name: splitter)), d.tested > 0
        {
            values["splitterDiagnosis"] = WebDiagnosisView.values(d, strings: pages.strings, language: language)
        }
        if let error { values["error"] = error }
        return try pages.render("splitter", title: "ports_title", values: values, context: context, status: status)
    }

    @Sendable func startTest(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try refuseForm(error, request: request, context: context)
        }
        guard let engine else { return try await notFound(request, context) }
        let code = try context.parameters.require("code").removingPercentEncoding ?? ""
        let splitter = try context.parameters.require("splitter").removingPercentEncoding ?? ""
        guard let port = context.parameters.get("port").flatMap({ Int($0) }), port >= 1 else {
            return try await notFound(request, context)
        }
        let key = PortKey(projectCode: code, splitter: splitter, port: port)
        var serial: ONUSerial?
        let typed = (form["serial"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        if !typed.isEmpty {
            guard let parsed = ONUSerial(typed) else {
                let language = context.session?.account.language ?? .zh
                return try await splitterPage(
                    request, context, error: pages.strings.string("serial_invalid", language), status: .badRequest)
            }
            serial = parsed
        }
        let run = try await engine.start(key, serial: serial, profile: "build", by: context.session?.account.name)
        context.logger.notice(
            "web: \(context.session?.account.name ?? "?") started test \(run.id) of \(key)",
            metadata: ["olt.id": "\(run.port.olt)", "port.id": "\(key)"])
        return WebPages.redirect("/runs/\(run.id)")
    }

    func testRun(_ context: WebRequestContext) async throws -> TestRun? {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { return nil }
        return try await store.testRun(id: id)
    }

    @Sendable func run(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let run = try await testRun(context) else { return try await notFound(request, context) }
        let language = context.session?.account.language ?? .zh
        let s = { (key: String) in pages.strings.string(key, language) }
        let key = run.port.key
        var values: [String: Any] = [
            "id": run.id, "splitter": key.splitter, "port": key.port, "active": run.step.isActive,
            "stepText": s("step_\(run.step.rawValue)"),
            "splitterHref":
                "/projects/\(WebPages.segment(key.projectCode))/splitters/\(WebPages.segment(key.splitter))",
            "script": run.step.isActive, "refresh": run.step.isActive,
        ]
        if run.step == .failed || run.step == .cancelled, let outcome = run.outcome { values["outcome"] = outcome }
        if let result = try await store.lineResult(runID: run.id) {
            let v = result.verdict
            func power(_ r: PowerReading) -> String { r.value.map(\.description) ?? s("no_value") }
            func loss(_ d: Decibels?) -> String { d.map(\.description) ?? s("no_value") }
            let words = VerdictWords(
                v, readings: result.readings, port: key, serial: run.serial, strings: pages.strings, language: language)
            var verdict: [String: Any] = [
                "verdictClass": v.verdict.rawValue, "verdictText": s("verdict_\(v.verdict.rawValue)"),
                // The one headline of a port where nothing was measured stands alone, above the readings.
                "reasons": words.headline == nil ? words.reasons : [],
                "hasReasons": words.headline == nil && !words.reasons.isEmpty,
                "warnings": words.warnings, "hasWarnings": !words.warnings.isEmpty,
                "readings": [
                    ["label": s("onu_rx"), "value": power(result.readings.onuRx)],
                    ["label": s("olt_rx"), "value": power(result.readings.oltRx)],
                    ["label": s("onu_tx"), "value": power(result.readings.onuTx)],
                    ["label": s("olt_tx"), "value": power(result.readings.oltTx)],
                    ["label": s("down_att"), "value": loss(v.downstreamAttenuation)],
                    ["label": s("up_att"), "value": loss(v.upstreamAttenuation)],
                ],
            ]
            if let headline = words.headline { verdict["headline"] = headline }
            values["verdict"] = verdict
            values.merge(try await diagnosisValues(key, olt: run.port.olt, at: result.at, language: language)) { $1 }
        }
        values.merge(
            try await WebEvidenceRoutes.runPageValues(
                run: run, store: store, settings: settings, strings: pages.strings.strings(language))
        ) { $1 }
        if !run.step.isActive {
            let rows = try await store.activationList(projectCode: key.projectCode)
            let untested = rows.filter { Self.state($0) == "untested" && $0.key != key }
            let next =
                untested.first { $0.key.splitter == key.splitter && $0.key.port > key.port }
                ?? untested.first { $0.key.splitter == key.splitter } ?? untested.first
            if let next {
                values["nextHref"] =
                    "/projects/\(WebPages.segment(key.projectCode))/splitters/\(WebPages.segment(next.key.splitter))#port-\(next.key.port)"
                values["nextLabel"] = "\(next.key.splitter) · \(s("port")) \(next.key.port)"
            }
        }
        return try pages.render("run", title: "test_title", values: values, context: context)
    }

    /// The `diagnosis` partial's values for `key`, when its latest result is the one measured at
    /// `at` (an older run's page does not show a newer result's diagnosis), with its splitter's.
    func diagnosisValues(_ key: PortKey, olt: ManagementAddress, at: Date?, language: WebLanguage) async throws
        -> [String: Any]
    {
        let links = try await store.odnLinks(olt: olt, figures: figures)
        guard let latest = links.latest(key), at == nil || latest.at == at, let d = links.diagnose(key) else {
            return [:]
        }
        var values: [String: Any] = [
            "diagnosis": WebDiagnosisView.values(d, strings: pages.strings, language: language)
        ]
        if let splitter = links.summary(SplitterKey(projectCode: key.projectCode, name: key.splitter)) {
            values["splitterDiagnosis"] = WebDiagnosisView.values(splitter, strings: pages.strings, language: language)
        }
        return values
    }

    @Sendable func runStep(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let run = try await testRun(context) else { return try await notFound(request, context) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"step":"\#(run.step.rawValue)"}"#)))
    }

    @Sendable func runEvents(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let engine, let run = try await testRun(context) else { return try await notFound(request, context) }
        return await APIServer.progressStream(
            engine: engine, project: nil, runID: run.id, heartbeat: settings.heartbeat, clock: clock)
    }
}
