import FTTHAPI
import FTTHCore
import Foundation
import Hummingbird

/// The administrator's pages (issue 14, build point 4): projects with their progress, a
/// project's activation list and review (approve, or send back with a reason), a port's results
/// and history, threshold profiles with their audit trail, people's accounts and the API's
/// tokens, and the pushes to account opening. Every page needs an administrator's session;
/// every form carries the session's CSRF token and is checked by the rules the API applies.
struct WebAdminRoutes: Sendable {
    /// The crew pages' handlers, for the shared helpers (not-found page, refused forms).
    let web: WebRoutes
    /// The configuration's threshold profiles, which the store's changes overlay.
    let thresholds: [String: ThresholdProfile]

    var pages: WebPages { web.pages }
    var store: any WebStore { web.store }
    var now: @Sendable () -> Date { web.now }

    /// Projects on a page of the administrator's home.
    static let projectsPerPage = 50
    /// Ports on a page of the activation list.
    static let portsPerPage = 100
    /// Pushes on a page of a project's outbox.
    static let pushesPerPage = 100

    func register(on router: Router<WebRequestContext>) {
        let admin = router.group("admin").add(middleware: RequireRoleMiddleware(roles: [.admin], pages: pages))
        admin.get(use: home)
        admin.get("projects/:code", use: project)
        admin.post("projects/:code/approve", use: approve)
        admin.post("projects/:code/send-back", use: sendBack)
        admin.get("projects/:code/ports", use: activationList)
        admin.get("projects/:code/ports/:splitter/:port", use: port)
        admin.get("projects/:code/pushes", use: pushes)
        admin.get("thresholds", use: thresholdList)
        admin.get("thresholds/:name", use: threshold)
        admin.post("thresholds/:name", use: updateThreshold)
        admin.get("accounts", use: accounts)
        admin.post("accounts", use: createAccount)
        admin.post("accounts/:name/sign-in-code", use: issueCode)
        admin.post("accounts/:name/revoke-sessions", use: revokeSessions)
        admin.get("tokens", use: tokens)
        admin.post("tokens", use: createToken)
        admin.post("tokens/:name/revoke", use: revokeToken)
    }

    func language(_ context: WebRequestContext) -> WebLanguage { context.session?.account.language ?? .en }

    func string(_ key: String, _ context: WebRequestContext) -> String { pages.strings.string(key, language(context)) }

    func actor(_ context: WebRequestContext) -> String { context.session?.account.name ?? "?" }

    /// A path parameter as it was before percent-encoding (codes and splitter labels have
    /// spaces and CJK).
    func parameter(_ name: String, _ context: WebRequestContext) throws -> String {
        try context.parameters.require(name).removingPercentEncoding ?? ""
    }

    static func projectHref(_ code: String) -> String { "/admin/projects/\(WebPages.segment(code))" }

    static func portHref(_ key: PortKey) -> String {
        "\(projectHref(key.projectCode))/ports/\(WebPages.segment(key.splitter))/\(key.port)"
    }

    /// `2026-09-21 14:03:07 UTC`.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)).replacingOccurrences(of: "T", with: " ")
            .replacingOccurrences(of: "Z", with: " UTC")
    }

    /// A query parameter, or nil when absent or empty.
    static func query(_ request: Request, _ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    /// The 1-based page a query asks for (`page`, at most a million), 1 when absent or not a number.
    static func page(_ request: Request) -> Int {
        query(request, "page").flatMap { Int($0) }.map { min(max($0, 1), 1_000_000) } ?? 1
    }

    /// The links to the previous and next page of a list, keeping the other query parameters.
    static func pager(path: String, query: [(String, String)], page: Int, hasNext: Bool) -> [String: Any] {
        func href(_ n: Int) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let pairs = (query + [("page", String(n))]).map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }
            return path + "?" + pairs.joined(separator: "&")
        }
        var pager: [String: Any] = ["page": page]
        if page > 1 { pager["previousHref"] = href(page - 1) }
        if hasNext { pager["nextHref"] = href(page + 1) }
        return pager
    }

    // MARK: Projects

    /// The administrator's home: every project with its progress and state, a page at a time in
    /// code order (`after`: the last code of the previous page).
    @Sendable func home(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let after = Self.query(request, "after")
        var projects = try await store.projects(after: after, limit: Self.projectsPerPage + 1)
        let hasNext = projects.count > Self.projectsPerPage
        if hasNext { projects.removeLast(projects.count - Self.projectsPerPage) }
        let rework = try await store.portsAwaitingRetest(projectCodes: projects.map(\.project.code))
        let rows: [[String: Any]] = projects.map { p in
            [
                "href": Self.projectHref(p.project.code), "code": p.project.code, "name": p.project.name,
                "ports": p.ports, "tested": p.tested, "passed": p.passed, "failed": p.failed,
                "rework": rework[p.project.code] ?? 0, "state": p.project.state.rawValue,
                "stateText": string("admin_project_state_\(p.project.state.rawValue)", context),
            ]
        }
        var values: [String: Any] = ["projects": rows, "hasProjects": !rows.isEmpty]
        if hasNext, let last = projects.last {
            values["nextHref"] = "/admin?after=\(WebPages.segment(last.project.code))"
        }
        if after != nil { values["firstHref"] = "/admin" }
        return try pages.render("admin-home", title: "admin_home_title", values: values, context: context)
    }

    @Sendable func project(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try await projectPage(request, context, reason: nil, error: nil, status: .ok)
    }

    /// A project's review page: its progress and state, approve or send back, how its state came
    /// about. `reason` and `error`: a send-back that was refused, shown with what was typed.
    func projectPage(
        _ request: Request, _ context: WebRequestContext, reason: String?, error: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let code = try parameter("code", context)
        guard let summary = try await store.project(code) else { return try await web.notFound(request, context) }
        let rework = try await store.portsAwaitingRetest(projectCodes: [code])[code] ?? 0
        let state = summary.project.state
        let history: [[String: Any]] = try await store.projectHistory(code).reversed().map { entry in
            var row: [String: Any] = [
                "time": Self.time(entry.at), "event": entry.event, "actor": entry.actor ?? "",
            ]
            if !entry.detail.isEmpty { row["detail"] = entry.detail }
            return row
        }
        let pending = try await store.pendingOutboxCount(projectCode: code)
        let base = Self.projectHref(code)
        var values: [String: Any] = [
            "code": code, "name": summary.project.name, "state": state.rawValue,
            "stateText": string("admin_project_state_\(state.rawValue)", context),
            "ports": summary.ports, "tested": summary.tested, "passed": summary.passed, "failed": summary.failed,
            "rework": rework, "untested": summary.ports - summary.tested, "pending": pending,
            "history": history, "hasHistory": !history.isEmpty,
            "listHref": "\(base)/ports", "pushesHref": "\(base)/pushes",
            "approveHref": "\(base)/approve", "sendBackHref": "\(base)/send-back",
            "canApprove": state == .awaitingReview, "canSendBack": state == .awaitingReview || state == .testing,
            "reason": reason ?? "", "maxReason": TextFieldRule.reason.maxCharacters,
        ]
        if let error { values["error"] = error }
        if let done = Self.query(request, "done"), ["approved", "sent_back"].contains(done) {
            values["done"] = string("admin_done_\(done)", context)
        }
        return try pages.render(
            "admin-project", title: "admin_project_title", values: values, context: context, status: status)
    }

    @Sendable func approve(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let code = try parameter("code", context)
        guard try await store.project(code) != nil else { return try await web.notFound(request, context) }
        do {
            let state = try await store.applyProjectEvent(code, .approve, actor: actor(context), at: now())
            context.logger.notice("web: \(actor(context)) approved project \(code): now \(state.rawValue)")
        } catch let error as StoreError {
            context.logger.notice("web: \(actor(context)) could not approve project \(code): \(error)")
            return try await projectPage(
                request, context, reason: nil, error: error.description, status: .conflict)
        }
        return WebPages.redirect("\(Self.projectHref(code))?done=approved")
    }

    /// Sends a project back for rework: the reason is required and checked by the rule the API
    /// checks it by (``TextFieldRule/reason``); a refused one is shown again as typed.
    @Sendable func sendBack(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let code = try parameter("code", context)
        guard try await store.project(code) != nil else { return try await web.notFound(request, context) }
        // A browser posts a textarea's line breaks as CR LF: the rule allows line feeds only.
        let typed = (form["reason"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let reason: String
        do {
            reason = try TextFieldRule.reason.validated(typed)
        } catch {
            let problem =
                error == .empty
                ? string("admin_reason_required", context) : "\(string("admin_reason", context)) \(error)"
            return try await projectPage(request, context, reason: typed, error: problem, status: .unprocessableContent)
        }
        do {
            let state = try await store.applyProjectEvent(
                code, .sendBack(reason: reason), actor: actor(context), at: now())
            context.logger.notice("web: \(actor(context)) sent project \(code) back: now \(state.rawValue)")
        } catch let error as StoreError {
            context.logger.notice("web: \(actor(context)) could not send project \(code) back: \(error)")
            return try await projectPage(request, context, reason: typed, error: error.description, status: .conflict)
        }
        return WebPages.redirect("\(Self.projectHref(code))?done=sent_back")
    }

    // MARK: Activation list and ports

    /// A port's state for the filter and the row's colour.
    static func portState(_ row: ActivationListRow) -> String { PortProgress(row.workflow).rawValue }

    /// The activation list (DESIGN §2 step 2), filtered by splitter and state and a page at a
    /// time, read a page at a time from the store: a project of thousands of ports costs a page.
    @Sendable func activationList(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let code = try parameter("code", context)
        guard let summary = try await store.project(code) else { return try await web.notFound(request, context) }
        let splitterFilter = Self.query(request, "splitter")
        let stateFilter = Self.query(request, "state").flatMap(PortProgress.init(rawValue:))
        let page = Self.page(request)
        let list = try await store.activationListPage(
            projectCode: code, splitter: splitterFilter, progress: stateFilter,
            offset: (page - 1) * Self.portsPerPage, limit: Self.portsPerPage)
        let start = min((page - 1) * Self.portsPerPage, list.matching)
        let end = start + list.rows.count
        let none = string("admin_none", context)
        let rows: [[String: Any]] = list.rows.map { r in
            let state = Self.portState(r)
            return [
                "href": Self.portHref(r.key), "olt": r.olt.text, "oltName": r.oltName, "pon": r.pon.description,
                "splitter": r.key.splitter, "port": r.key.port, "onuName": r.onuName, "svlan": r.svlan.value,
                "cvlan": r.cvlan.map { String($0.value) } ?? none, "serial": r.onuSerial?.text ?? none,
                "password": r.onuPassword ?? none,
                "activation": string("admin_activation_\(r.workflow.activation.rawValue)", context),
                "test": string("admin_test_\(r.workflow.testStatus.rawValue)", context),
                "state": state, "stateText": string("admin_state_\(state)", context),
            ]
        }
        var query: [(String, String)] = []
        if let splitterFilter { query.append(("splitter", splitterFilter)) }
        if let stateFilter { query.append(("state", stateFilter.rawValue)) }
        let values: [String: Any] = [
            "code": code, "name": summary.project.name, "projectHref": Self.projectHref(code),
            "action": "\(Self.projectHref(code))/ports", "rows": rows, "hasRows": !rows.isEmpty,
            "total": list.total, "matching": list.matching, "from": list.rows.isEmpty ? 0 : start + 1,
            "to": list.rows.isEmpty ? 0 : end,
            "splitters": list.splitters.map { ["label": $0, "selected": $0 == splitterFilter] },
            "states": PortProgress.allCases.map {
                [
                    "value": $0.rawValue, "text": string("admin_state_\($0.rawValue)", context),
                    "selected": $0 == stateFilter,
                ]
            },
            "pager": Self.pager(
                path: "\(Self.projectHref(code))/ports", query: query, page: page, hasNext: end < list.matching),
        ]
        return try pages.render("admin-ports", title: "admin_ports_title", values: values, context: context)
    }

    /// A port: its activation-list row, every line result (newest first) with its reasons, its
    /// service tests, and its history with who did what.
    @Sendable func port(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let code = try parameter("code", context)
        let splitter = try parameter("splitter", context)
        guard let number = context.parameters.get("port").flatMap({ Int($0) }) else {
            return try await web.notFound(request, context)
        }
        let key = PortKey(projectCode: code, splitter: splitter, port: number)
        guard try await store.project(code) != nil,
            let row = try await store.activationListPage(
                projectCode: code, splitter: splitter, progress: nil, offset: 0, limit: Int(Int32.max)
            ).rows.first(where: { $0.key == key })
        else { return try await web.notFound(request, context) }
        let none = string("admin_none", context)
        func power(_ r: PowerReading) -> String { r.value.map(\.description) ?? none }
        func loss(_ d: Decibels?) -> String { d.map(\.description) ?? none }
        var results: [[String: Any]] = try await store.lineResults(key).reversed().map { result in
            let v = result.verdict
            // The reasons in the administrator's language, as the crew saw them.
            let words = VerdictWords(
                v, readings: result.readings, port: key, serial: row.onuSerial, strings: pages.strings,
                language: language(context))
            var values: [String: Any] = [
                "time": Self.time(result.at), "verdict": v.verdict.rawValue,
                "verdictText": string("verdict_\(v.verdict.rawValue)", context), "profile": v.profile,
                "onuRx": power(result.readings.onuRx), "oltRx": power(result.readings.oltRx),
                "onuTx": power(result.readings.onuTx), "oltTx": power(result.readings.oltTx),
                "down": loss(v.downstreamAttenuation), "up": loss(v.upstreamAttenuation),
                "reasons": words.reasons, "hasReasons": !words.reasons.isEmpty,
                "warnings": words.warnings, "hasWarnings": !words.warnings.isEmpty,
            ]
            if let id = result.runID { values["runHref"] = "/runs/\(id)" }
            return values
        }
        // Where the latest result's light is lost, under its verdict.
        if !results.isEmpty {
            results[0].merge(
                try await web.diagnosisValues(key, olt: row.olt, at: nil, language: language(context))
            ) { $1 }
        }
        let services: [[String: Any]] = try await store.serviceTests(key).reversed().map { test in
            var values: [String: Any] = [
                "time": Self.time(test.createdAt), "state": test.state.rawValue, "plan": test.planMbps,
                "account": test.username ?? none, "probe": test.claimedBy ?? none,
            ]
            if let v = test.verdict {
                values["verdict"] = v.verdict.rawValue
                values["verdictText"] = string("verdict_\(v.verdict.rawValue)", context)
                values["reason"] = v.reason
                if let m = v.measurement {
                    values["down"] = m.downMbps.map { String(format: "%.1f", $0) } ?? none
                    values["up"] = m.upMbps.map { String(format: "%.1f", $0) } ?? none
                }
            }
            return values
        }
        let history: [[String: Any]] = try await store.portHistory(key).reversed().map { entry in
            var row: [String: Any] = ["time": Self.time(entry.at), "event": entry.event, "actor": entry.actor ?? none]
            if !entry.detail.isEmpty { row["detail"] = entry.detail }
            return row
        }
        let state = Self.portState(row)
        var values: [String: Any] = [
            "code": code, "splitter": splitter, "port": number, "projectHref": Self.projectHref(code),
            "listHref": "\(Self.projectHref(code))/ports?splitter=\(WebPages.segment(splitter))",
            "state": state, "stateText": string("admin_state_\(state)", context),
            "facts": [
                ["label": string("admin_col_olt", context), "value": "\(row.oltName) · \(row.olt.text)"],
                ["label": string("admin_col_pon", context), "value": row.pon.description],
                ["label": string("admin_col_onu", context), "value": row.onuName],
                ["label": string("admin_col_svlan", context), "value": String(row.svlan.value)],
                ["label": string("admin_col_cvlan", context), "value": row.cvlan.map { String($0.value) } ?? none],
                ["label": string("admin_col_serial", context), "value": row.onuSerial?.text ?? none],
                [
                    "label": string("admin_col_activation", context),
                    "value": string("admin_activation_\(row.workflow.activation.rawValue)", context),
                ],
                [
                    "label": string("admin_col_test", context),
                    "value": string("admin_test_\(row.workflow.testStatus.rawValue)", context),
                ],
            ],
            "results": results, "hasResults": !results.isEmpty, "services": services, "hasServices": !services.isEmpty,
            "history": history, "hasHistory": !history.isEmpty,
        ]
        // The crews' photos, position and serial beside the results they belong to.
        values["evidenceBundles"] = try await WebEvidenceView.bundles(port: key, store: store)
        return try pages.render("admin-port", title: "admin_port_title", values: values, context: context)
    }

    /// The pushes of a project's accepted ports to account opening, a page at a time: which were
    /// acknowledged, and for the others how often they failed, why, and when the next try is.
    @Sendable func pushes(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let code = try parameter("code", context)
        guard let summary = try await store.project(code) else { return try await web.notFound(request, context) }
        let messages = try await store.outboxMessages(projectCode: code)
        let page = Self.page(request)
        let start = min((page - 1) * Self.pushesPerPage, messages.count)
        let end = min(start + Self.pushesPerPage, messages.count)
        let none = string("admin_none", context)
        let rows: [[String: Any]] = messages[start..<end].map { m in
            let delivered = m.deliveredAt != nil
            return [
                "href": Self.portHref(m.port), "splitter": m.port.splitter, "port": m.port.port,
                "created": Self.time(m.createdAt), "delivered": delivered,
                "stateText": string(delivered ? "admin_push_delivered" : "admin_push_pending", context),
                "deliveredAt": m.deliveredAt.map(Self.time) ?? none, "attempts": m.attempts,
                "lastError": m.lastError ?? none, "next": delivered ? none : Self.time(m.nextAttemptAt),
                "key": m.idempotencyKey,
            ]
        }
        let values: [String: Any] = [
            "code": code, "name": summary.project.name, "projectHref": Self.projectHref(code), "rows": rows,
            "hasRows": !rows.isEmpty, "total": messages.count,
            "delivered": messages.filter(\.isDelivered).count,
            "pager": Self.pager(
                path: "\(Self.projectHref(code))/pushes", query: [], page: page, hasNext: end < messages.count),
        ]
        return try pages.render("admin-pushes", title: "admin_pushes_title", values: values, context: context)
    }

    // MARK: Thresholds

    func limitText(_ profile: ThresholdProfile, _ key: ThresholdKey, _ context: WebRequestContext) -> String {
        profile.decimalString(key).map { "\($0) \(key.unit)" } ?? string("admin_limit_off", context)
    }

    @Sendable func thresholdList(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let profiles: [[String: Any]] = try await store.thresholdProfiles(configured: thresholds).map { p in
            [
                "name": p.name, "href": "/admin/thresholds/\(WebPages.segment(p.name))",
                "limits": ThresholdKey.allCases.map { key in
                    [
                        "label": string("admin_key_\(key.rawValue)", context), "value": limitText(p, key, context),
                        "advisory": p[centi: key] != nil && !p.binds(key.check),
                    ]
                },
            ]
        }
        return try pages.render(
            "admin-thresholds", title: "admin_thresholds_title", values: ["profiles": profiles], context: context)
    }

    @Sendable func threshold(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        try await thresholdPage(request, context, typed: nil, error: nil, status: .ok)
    }

    /// A profile's edit form and its audit trail. `typed`: the form as sent when it was refused.
    func thresholdPage(
        _ request: Request, _ context: WebRequestContext, typed: WebForm?, error: (key: ThresholdKey?, text: String)?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let name = try parameter("name", context)
        guard let profile = try await store.thresholdProfiles(configured: thresholds).first(where: { $0.name == name })
        else { return try await web.notFound(request, context) }
        let fields: [[String: Any]] = ThresholdKey.allCases.map { key in
            let binding = typed.map { $0["binding_\(key.rawValue)"] == "on" } ?? profile.binds(key.check)
            var field: [String: Any] = [
                "key": key.rawValue, "label": string("admin_key_\(key.rawValue)", context), "unit": key.unit,
                "value": typed?["limit_\(key.rawValue)"] ?? profile.decimalString(key) ?? "", "binding": binding,
            ]
            if let error, error.key == key { field["fieldError"] = true }
            return field
        }
        let history: [[String: Any]] = try await store.thresholdHistory(profile: name).reversed().map { change in
            [
                "time": Self.time(change.at), "actor": change.actor,
                "label": string("admin_key_\(change.key.rawValue)", context),
                "aspect": string("admin_aspect_\(change.aspect.rawValue)", context),
                "old": change.oldValue ?? string("admin_limit_off", context),
                "new": change.newValue ?? string("admin_limit_off", context),
            ]
        }
        var values: [String: Any] = [
            "name": name, "action": "/admin/thresholds/\(WebPages.segment(name))", "fields": fields,
            "history": history, "hasHistory": !history.isEmpty,
        ]
        if let error { values["error"] = error.text }
        if Self.query(request, "done") == "saved" { values["done"] = string("admin_done_saved", context) }
        return try pages.render(
            "admin-threshold", title: "admin_threshold_title", values: values, context: context, status: status)
    }

    /// Changes a profile's limits and bindings from its form: an empty limit switches its check
    /// off; each number is checked as the API checks it (``ThresholdKey/limitProblem(_:)``,
    /// ``ThresholdProfile/applying(_:)``), and only what changed is stored and audited.
    @Sendable func updateThreshold(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let name = try parameter("name", context)
        guard let current = try await store.thresholdProfiles(configured: thresholds).first(where: { $0.name == name })
        else { return try await web.notFound(request, context) }
        var edited = current
        for key in ThresholdKey.allCases {
            let text = (form["limit_\(key.rawValue)"] ?? "").trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: "\u{2212}", with: "-")
            if text.isEmpty {
                edited[centi: key] = nil
            } else {
                guard let value = Double(text), !text.lowercased().contains("e"), !text.lowercased().contains("n")
                else {
                    return try await thresholdPage(
                        request, context, typed: form,
                        error: (
                            key,
                            "\(string("admin_key_\(key.rawValue)", context)): \(string("admin_limit_number", context))"
                        ),
                        status: .unprocessableContent)
                }
                if let problem = key.limitProblem(value) {
                    return try await thresholdPage(
                        request, context, typed: form, error: (key, problem.description), status: .unprocessableContent)
                }
                edited[centi: key] = Int((value * 100).rounded())
            }
            edited.apply(ThresholdSetting(key: key, binding: form["binding_\(key.rawValue)"] == "on"))
        }
        let settings = current.settings(to: edited)
        do {
            _ = try current.applying(settings)
        } catch {
            return try await thresholdPage(
                request, context, typed: form, error: (error.key, error.description), status: .unprocessableContent)
        }
        if !settings.isEmpty {
            let (_, changes) = try await store.updateThresholdProfile(
                name, settings: settings, configured: thresholds, actor: actor(context), at: now())
            context.logger.notice(
                "web: \(actor(context)) changed threshold profile \(name): \(changes.map { "\($0.key) \($0.oldValue ?? "off") → \($0.newValue ?? "off")" }.joined(separator: ", "))"
            )
        }
        return WebPages.redirect("/admin/thresholds/\(WebPages.segment(name))?done=saved")
    }

    // MARK: Accounts and tokens

    @Sendable func accounts(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let done = Self.query(request, "done").flatMap { ["created", "revoked"].contains($0) ? $0 : nil }
        return try await accountsPage(request, context, notice: done.map { string("admin_done_\($0)", context) })
    }

    struct AccountForm {
        var name = ""
        var role = "crew"
        var language = "zh"
        var error: String?
    }

    /// People's accounts: create one, issue a one-time sign-in link, end someone's sessions.
    func accountsPage(
        _ request: Request, _ context: WebRequestContext, issued: (url: String, name: String)? = nil,
        notice: String? = nil,
        form: AccountForm = AccountForm(), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let rows: [[String: Any]] = try await store.accounts().map { a in
            let base = "/admin/accounts/\(WebPages.segment(a.name))"
            return [
                "name": a.name, "role": string("admin_role_\(a.role.rawValue)", context),
                "language": string("admin_language_\(a.language.rawValue)", context),
                "codeHref": "\(base)/sign-in-code", "revokeHref": "\(base)/revoke-sessions",
            ]
        }
        var values: [String: Any] = [
            "accounts": rows, "formName": form.name,
            "roles": ["crew", "admin"].map {
                ["value": $0, "text": string("admin_role_\($0)", context), "selected": $0 == form.role]
            },
            "languages": WebLanguage.allCases.map {
                [
                    "value": $0.rawValue, "text": string("admin_language_\($0.rawValue)", context),
                    "selected": $0.rawValue == form.language,
                ]
            },
        ]
        if let (issued, name) = issued {
            values["issued"] = issued
            values["issuedFor"] = name
            // Drawn on the server as an SVG (no script, nothing sent elsewhere); the link itself
            // stays beside it for a laptop, where a camera is no use.
            if let code = try? QRCode(text: issued) {
                values["issuedQR"] = ["side": code.side, "pixels": code.side * 5, "path": code.svgPath]
            }
        }
        if let notice { values["done"] = notice }
        if let error = form.error { values["error"] = error }
        return try pages.render(
            "admin-accounts", title: "accounts_title", values: values, context: context, status: status)
    }

    /// Creates an account: a name by the rule of names, a role (crew or administrator), a
    /// language, and a password of at least 12 characters or none (sign-in by one-time codes).
    @Sendable func createAccount(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        var typed = AccountForm(
            name: form["name"] ?? "", role: form["role"] ?? "crew", language: form["language"] ?? "zh")
        func refuse(_ text: String) async throws -> Response {
            typed.error = text
            return try await accountsPage(request, context, form: typed, status: .unprocessableContent)
        }
        let name: String
        do {
            name = try TextFieldRule.name.validated(typed.name)
        } catch {
            return try await refuse("\(string("name", context)) \(error)")
        }
        guard let role = APIRole(rawValue: typed.role), role == .crew || role == .admin,
            let language = WebLanguage(rawValue: typed.language)
        else { return try await refuse(string("admin_account_role_invalid", context)) }
        let password = form["password"] ?? ""
        if !password.isEmpty && password.count < Self.minimumPassword {
            return try await refuse(string("admin_password_short", context))
        }
        let hash =
            password.isEmpty ? nil : await WebSite.hashPassword(password, cost: web.settings.bcryptCost)
        do {
            try await store.createAccount(name: name, role: role, language: language, passwordHash: hash, at: now())
        } catch let error as StoreError {
            if case .conflict = error { return try await refuse(string("admin_account_taken", context)) }
            throw error
        }
        context.logger.notice("web: \(actor(context)) created account \(name) (\(role))")
        return WebPages.redirect("/admin/accounts?done=created")
    }

    /// The shortest password an account may be given (or none at all: codes only).
    static let minimumPassword = 12

    @Sendable func issueCode(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let name = try parameter("name", context)
        let code: String
        do {
            code = try await store.issueSignInCode(
                for: name,
                expiresAt: now().addingTimeInterval(TimeInterval(web.settings.signInCodeLifetime.components.seconds)),
                at: now())
        } catch StoreError.notFound {
            return try await web.notFound(request, context)
        }
        context.logger.notice("web: \(actor(context)) issued a sign-in code for \(name)")
        let host = request.head.authority ?? "localhost"
        let url = "\(web.settings.secureCookies ? "https" : "http")://\(host)/code/\(code)"
        return try await accountsPage(request, context, issued: (url, name))
    }

    @Sendable func revokeSessions(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let name = try parameter("name", context)
        guard try await store.account(name: name) != nil else { return try await web.notFound(request, context) }
        let count = try await store.revokeSessions(of: name, at: now())
        context.logger.notice("web: \(actor(context)) ended \(count) session(s) of \(name)")
        // Ending one's own sessions signs oneself out.
        if name == actor(context) { return WebPages.redirect("/sign-in") }
        return WebPages.redirect("/admin/accounts?done=revoked")
    }

    @Sendable func tokens(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let done = Self.query(request, "done") == "revoked" ? string("admin_done_token_revoked", context) : nil
        return try await tokensPage(request, context, notice: done)
    }

    struct TokenForm {
        var name = ""
        var role = "integration"
        var error: String?
    }

    /// The API tokens: listed, revoked, created (the secret shown on the page once).
    func tokensPage(
        _ request: Request, _ context: WebRequestContext, issued: IssuedAPIToken? = nil, notice: String? = nil,
        form: TokenForm = TokenForm(), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let rows: [[String: Any]] = try await store.tokens().map { t in
            var row: [String: Any] = [
                "name": t.name, "role": string("admin_role_\(t.role.rawValue)", context),
                "created": Self.time(t.createdAt), "active": t.isActive,
                "revokeHref": "/admin/tokens/\(WebPages.segment(t.name))/revoke",
            ]
            if let revoked = t.revokedAt { row["revoked"] = Self.time(revoked) }
            return row
        }
        var values: [String: Any] = [
            "tokens": rows, "hasTokens": !rows.isEmpty, "formName": form.name,
            "roles": APIRole.allCases.map {
                [
                    "value": $0.rawValue, "text": string("admin_role_\($0.rawValue)", context),
                    "selected": $0.rawValue == form.role,
                ]
            },
        ]
        if let issued {
            values["issuedName"] = issued.token.name
            values["issuedSecret"] = issued.secret
        }
        if let notice { values["done"] = notice }
        if let error = form.error { values["error"] = error }
        // The page may hold a secret: the site's pages are never cached (no-store).
        return try pages.render(
            "admin-tokens", title: "admin_tokens_title", values: values, context: context, status: status)
    }

    /// Creates an API token for an integration, a probe or a person's tools: a name by the rule
    /// of token names (FTTHCore, as ftthctl), a role; the secret is shown this once.
    @Sendable func createToken(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let form: WebForm
        do { form = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        var typed = TokenForm(name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces), role: form["role"] ?? "")
        func refuse(_ text: String) async throws -> Response {
            typed.error = text
            return try await tokensPage(request, context, form: typed, status: .unprocessableContent)
        }
        guard APIToken.isValidName(typed.name) else {
            return try await refuse(
                "\(string("admin_token_name", context)): \(string("admin_token_name_rule", context))")
        }
        guard let role = APIRole(rawValue: typed.role) else {
            return try await refuse(string("admin_token_role_invalid", context))
        }
        let issued: IssuedAPIToken
        do {
            issued = try await store.createToken(name: typed.name, role: role, at: now())
        } catch let error as StoreError {
            if case .conflict = error { return try await refuse(string("admin_token_taken", context)) }
            throw error
        }
        // Never the secret in the log: who made which token, and its role.
        context.logger.notice("web: \(actor(context)) created API token \(issued.token.name) (\(role))")
        return try await tokensPage(
            request, context, issued: issued, notice: string("admin_done_token_created", context))
    }

    @Sendable func revokeToken(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { _ = try await WebForm.read(request, context: context) } catch {
            return try web.refuseForm(error, request: request, context: context)
        }
        let name = try parameter("name", context)
        do {
            try await store.revokeToken(name: name, at: now())
        } catch StoreError.notFound {
            return try await web.notFound(request, context)
        }
        context.logger.notice("web: \(actor(context)) revoked API token \(name)")
        return WebPages.redirect("/admin/tokens?done=revoked")
    }
}
