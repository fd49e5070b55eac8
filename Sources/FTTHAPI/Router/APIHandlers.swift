import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird

/// The handlers of ``APIServer/routes``; each one runs after authentication and the role check.
struct APIHandlers: Sendable {
    typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response

    let store: any APIStore
    let configuration: AcceptdConfiguration
    let now: @Sendable () -> Date

    func handler(for route: APIRoute) -> Handler {
        switch (route.method, route.path) {
        case (.get, "/v1/openapi.yaml"): return { _, _ in OpenAPIDocument.response() }
        case (.get, "/v1/projects"): return listProjects
        case (.post, "/v1/projects"): return createProject
        case (.post, "/v1/projects/import"): return importProjects
        case (.get, "/v1/projects/{code}"): return project
        case (.patch, "/v1/projects/{code}"): return updateProject
        case (.delete, "/v1/projects/{code}"): return deleteProject
        case (.get, "/v1/projects/{code}/activation-list"): return activationList
        case (.get, "/v1/projects/{code}/ports/{splitter}/{port}/results"): return portResults
        case (.get, "/v1/projects/{code}/report.csv"): return report
        case (.post, "/v1/projects/{code}/approve"): return approve
        case (.post, "/v1/projects/{code}/send-back"): return sendBack
        case (.get, "/v1/thresholds"): return thresholds
        case (.put, "/v1/thresholds/{name}"): return updateThresholds
        case (.get, "/v1/thresholds/{name}/history"): return thresholdHistory
        default: preconditionFailure("no handler for \(route.method) \(route.path)")
        }
    }

    static func json(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, _ request: Request, _ context: APIRequestContext
    ) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }

    // MARK: Projects

    func listProjects(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let projects = try await store.projects().map(ProjectResponse.init)
        return try Self.json(ProjectListResponse(projects: projects), request, context)
    }

    func project(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        guard let summary = try await store.projects().first(where: { $0.project.code == code }) else {
            throw StoreError.notFound("project \(code)")
        }
        return try Self.json(ProjectResponse(summary), request, context)
    }

    /// Creates one project from JSON (``ProjectCreateBody``): what an inventory system sends
    /// per project, checked by the rules of the CSV import; nothing is written when anything
    /// is wrong, and every problem names its JSON field.
    func createProject(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let table = try await ProjectCreateBody.read(request, context).table().get()
        let plan: ProjectImportPlan
        do {
            plan = try ProjectImportPlan(table: table)
        } catch let problems as CSVProblems {
            // The project's fields are on every row: each problem is named once.
            var seen = Set<String>()
            let list = problems.problems.compactMap { p -> APIError.Problem? in
                let field = ProjectCreateBody.field(of: p.location)
                guard seen.insert("\(field ?? "")|\(p.message)").inserted else { return nil }
                return APIError.Problem(line: nil, column: field, message: p.message)
            }
            throw APIError(
                .unprocessableContent, code: problems.code,
                message: "\(list.count) problem(s) in the project; nothing was created", problems: list)
        }
        guard let code = plan.projects.first?.value.code else {
            throw APIError.invalid("splitters", "must list at least one splitter")
        }
        do {
            _ = try await store.importProjects(
                plan, namingRule: configuration.namingRule, source: "created by \(context.authenticated.name)",
                at: now(), progress: nil)
            _ = try await store.assignONUPasswords(for: plan, policy: configuration.activation, at: now())
        } catch let error as StoreError {
            switch error {
            case .conflict(let location, let message):
                throw APIError(
                    .conflict, code: error.code, message: "\(message); nothing was created",
                    field: ProjectCreateBody.field(of: location))
            case .naming(let location, let naming):
                throw APIError(
                    .unprocessableContent, code: error.code,
                    message: "a test ONU name cannot be made; nothing was created",
                    problems: [
                        .init(line: nil, column: ProjectCreateBody.field(of: location), message: naming.description)
                    ])
            default:
                throw error
            }
        }
        guard let summary = try await store.projects().first(where: { $0.project.code == code }) else {
            throw StoreError.notFound("project \(code)")
        }
        var response = try Self.json(ProjectResponse(summary), status: .created, request, context)
        let path = code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? code
        response.headers[.location] = "/v1/projects/\(path)"
        return response
    }

    /// `{"name": "…", "acceptance_required": true}`, either or both.
    func updateProject(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let object = try await JSONBody.object(request, context)
        for key in object.keys where key != "name" && key != "acceptance_required" {
            throw APIError.invalid(key, "unknown key; a project's name and acceptance_required can change")
        }
        var name: String?
        var required: Bool?
        switch object["name"] {
        case nil: break
        case .string(let s) where !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty: name = s
        default: throw APIError.invalid("name", "must be a non-empty string")
        }
        switch object["acceptance_required"] {
        case nil: break
        case .bool(let b): required = b
        default: throw APIError.invalid("acceptance_required", "must be true or false")
        }
        guard name != nil || required != nil else {
            throw APIError.invalid("body", "give name, acceptance_required or both")
        }
        let summary = try await store.updateProject(
            code, name: name, acceptanceRequired: required, actor: context.authenticated.name, at: now())
        return try Self.json(ProjectResponse(summary), request, context)
    }

    /// Withdraws a project nothing was tested on: history is append-only, so the project stays
    /// listed as `withdrawn` with who withdrew it.
    func deleteProject(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        try await store.withdrawProject(code, actor: context.authenticated.name, at: now())
        return Response(status: .noContent)
    }

    func importProjects(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("text/csv") else {
            throw APIError(
                .badRequest, code: "request.content_type",
                message: "send the project export as 'Content-Type: text/csv' (columns: docs/import.md)",
                field: "Content-Type")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest(
                "the body is not UTF-8 text: export the CSV as UTF-8 (in a spreadsheet: CSV UTF-8)", field: "body")
        }
        let source = "upload by \(context.authenticated.name)"
        let plan: ProjectImportPlan
        do {
            plan = try ProjectImportPlan(csv: text, file: "body")
        } catch let problems as CSVProblems {
            throw APIError(
                .unprocessableContent, code: problems.code,
                message: "\(problems.problems.count) problem(s) in the CSV; nothing was imported",
                problems: problems.problems.map {
                    .init(line: $0.location.line, column: $0.location.column, message: $0.message)
                })
        }
        do {
            let summary = try await store.importProjects(
                plan, namingRule: configuration.namingRule, source: source, at: now(), progress: nil)
            _ = try await store.assignONUPasswords(for: plan, policy: configuration.activation, at: now())
            return try Self.json(ImportSummaryResponse(summary), status: .created, request, context)
        } catch let error as StoreError {
            // Conflicts with stored data are problems of the uploaded file: name its line.
            switch error {
            case .conflict(let location, let message):
                throw APIError(
                    .unprocessableContent, code: error.code,
                    message: "the CSV conflicts with the store; nothing was imported",
                    problems: [.init(line: location?.line, column: location?.column, message: message)])
            case .naming(let location, let naming):
                throw APIError(
                    .unprocessableContent, code: error.code,
                    message: "a test ONU name cannot be made; nothing was imported",
                    problems: [.init(line: location?.line, column: location?.column, message: naming.description)])
            default:
                throw error
            }
        }
    }

    func activationList(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let rows = try await store.activationList(projectCode: code).map(ActivationRowResponse.init)
        return try Self.json(ActivationListResponse(projectCode: code, ports: rows), request, context)
    }

    func portKey(_ context: APIRequestContext) throws -> PortKey {
        let code = try context.pathParameter("code")
        let splitter = try context.pathParameter("splitter")
        guard let port = Int(try context.parameters.require("port")), port >= 1 else {
            throw APIError.badRequest(
                "port: the splitter port must be a whole number from 1, such as /ports/SP-A/3", field: "port")
        }
        return PortKey(projectCode: code, splitter: splitter, port: port)
    }

    func portResults(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try portKey(context)
        let results = try await store.lineResults(key)
        let history = try await store.portHistory(key)
        guard let row = try await store.activationList(projectCode: key.projectCode).first(where: { $0.key == key })
        else { throw StoreError.notFound("port \(key)") }
        return try Self.json(
            PortResultsResponse(
                port: ActivationRowResponse(row), results: results.map(LineResultResponse.init),
                history: history.map(HistoryEntryResponse.init)), request, context)
    }

    func report(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let rows = try await store.activationList(projectCode: code)
        var report = ProjectReportCSV()
        for row in rows {
            report.add(row, latest: try await store.lineResults(row.key).last)
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(code)-report.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.text)))
    }

    // MARK: Acceptance

    func approve(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let state = try await store.applyProjectEvent(code, .approve, actor: context.authenticated.name, at: now())
        return try Self.json(ProjectStateResponse(code: code, state: state.rawValue), request, context)
    }

    func sendBack(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let object = try await JSONBody.object(request, context)
        let reason: String
        switch object["reason"] {
        case nil, .null: throw APIError.invalid("reason", "is required: a sentence the builder can act on")
        case .string(let s): reason = s
        default: throw APIError.invalid("reason", "must be a string")
        }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("reason", "must not be blank: say what the builder has to rework")
        }
        let state = try await store.applyProjectEvent(
            code, .sendBack(reason: reason), actor: context.authenticated.name, at: now())
        return try Self.json(ProjectStateResponse(code: code, state: state.rawValue), request, context)
    }

    // MARK: Thresholds

    func thresholds(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let profiles = try await store.thresholdProfiles(configured: configuration.profiles)
        return try Self.json(
            ThresholdProfilesResponse(profiles: profiles.map(ThresholdProfileResponse.init)), request, context)
    }

    func updateThresholds(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let name = try context.pathParameter("name")
        let object = try await JSONBody.object(request, context)
        let settings = try ThresholdSettingsBody.settings(from: object)
        let current = try await store.thresholdProfiles(configured: configuration.profiles)
        guard var profile = current.first(where: { $0.name == name }) else {
            throw APIError(
                .notFound, code: "store.not_found",
                message:
                    "no threshold profile '\(name)'; profiles: \(current.map(\.name).joined(separator: ", "))",
                field: "name")
        }
        for setting in settings { profile.apply(setting) }
        if let problem = profile.validationProblems().first {
            let field = ThresholdKey.allCases.first { problem.hasPrefix($0.rawValue) }?.rawValue
            throw APIError(.unprocessableContent, code: "request.invalid_value", message: problem, field: field)
        }
        let (updated, changes) = try await store.updateThresholdProfile(
            name, settings: settings, configured: configuration.profiles, actor: context.authenticated.name, at: now())
        return try Self.json(
            ThresholdUpdateResponse(
                profile: ThresholdProfileResponse(updated), changes: changes.map(ThresholdChangeResponse.init)),
            request, context)
    }

    func thresholdHistory(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let name = try context.pathParameter("name")
        let current = try await store.thresholdProfiles(configured: configuration.profiles)
        guard current.contains(where: { $0.name == name }) else {
            throw StoreError.notFound("threshold profile \(name)")
        }
        let changes = try await store.thresholdHistory(profile: name)
        return try Self.json(
            ThresholdHistoryResponse(profile: name, changes: changes.map(ThresholdChangeResponse.init)), request,
            context)
    }
}
