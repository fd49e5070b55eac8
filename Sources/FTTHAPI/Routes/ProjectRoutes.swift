import FTTHConfig
import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// Projects: list, read, create from JSON, import from CSV, rename or change the test flag,
/// withdraw.
struct ProjectRoutes: APIRouteGroup {
    static let mount = "/v1/projects"

    let store: any APIStore
    let configuration: AcceptdConfiguration
    let now: @Sendable () -> Date

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "", use: list)
        routes.on(.post, "", use: create)
        routes.on(.post, "import", use: importCSV)
        routes.on(.get, "{code}", use: project)
        routes.on(.patch, "{code}", use: update)
        routes.on(.delete, "{code}", use: withdraw)
    }

    @Sendable func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let projects = try await store.projects().map(ProjectResponse.init)
        return try APIServer.json(ProjectListResponse(projects: projects))
    }

    @Sendable func project(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        guard let summary = try await store.projects().first(where: { $0.project.code == code }) else {
            throw StoreError.notFound("project \(code)")
        }
        return try APIServer.json(ProjectResponse(summary))
    }

    /// Creates one project from JSON (``ProjectCreateRequest``): what an inventory system sends
    /// per project, checked by the rules of the CSV import; nothing is written when anything
    /// is wrong, and every problem names its JSON field.
    @Sendable func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body: ProjectCreateRequest
        do {
            body = try await RequestBody.decode(
                ProjectCreateRequest.self, from: request, context: context,
                example: #"{"code": …, "name": …, "splitters": […]} (see GET /v1/openapi.yaml)"#)
        } catch let error as APIError where error.status == .unprocessableContent {
            // As a problem of the project, like the import's own.
            throw APIError(
                error.status, code: error.code, message: "1 problem(s) in the project; nothing was created",
                field: error.field,
                problems: [.init(line: nil, column: error.field, message: error.message)])
        }
        guard !body.splitters.isEmpty else {
            throw APIError(
                .unprocessableContent, code: "request.invalid_value",
                message: "1 problem(s) in the project; nothing was created", field: "splitters",
                problems: [.init(line: nil, column: "splitters", message: "must list at least one splitter")])
        }
        let plan: ProjectImportPlan
        do {
            plan = try ProjectImportPlan(table: body.table)
        } catch let problems as CSVProblems {
            // The project's fields are on every row: each problem is named once.
            var seen = Set<String>()
            let list = problems.problems.compactMap { p -> APIError.Problem? in
                let field = ProjectCreateRequest.field(of: p.location)
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
                var answer = APIError(error, field: ProjectCreateRequest.field(of: location))
                answer.message = "\(message); nothing was created"
                throw answer
            case .naming(let location, let naming):
                // The body cannot make a name: a problem of the body, like any other of its values.
                throw APIError(
                    .unprocessableContent, code: error.code,
                    message: "a test ONU name cannot be made; nothing was created",
                    problems: [
                        .init(
                            line: nil, column: ProjectCreateRequest.field(of: location), message: naming.description)
                    ])
            default:
                throw error
            }
        }
        guard let summary = try await store.projects().first(where: { $0.project.code == code }) else {
            throw StoreError.notFound("project \(code)")
        }
        var response = try APIServer.json(ProjectResponse(summary), status: .created)
        let path = code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? code
        response.headers[.location] = "/v1/projects/\(path)"
        return response
    }

    /// `{"name": "…", "acceptance_required": true}`, either or both (``ProjectUpdateRequest``).
    @Sendable func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let body = try await RequestBody.decode(
            ProjectUpdateRequest.self, from: request, context: context,
            example: #"{"name": "Garden Court phase 2"}"#)
        guard body.name != nil || body.acceptanceRequired != nil else {
            throw APIError.invalid("body", "give name, acceptance_required or both")
        }
        // The rule a name passes on create and import, so no route stores what another refuses.
        let name: String?
        do {
            name = try body.name.map(TextFieldRule.name.validated)
        } catch {
            throw APIError.invalid("name", error.description)
        }
        let summary = try await store.updateProject(
            code, name: name, acceptanceRequired: body.acceptanceRequired, actor: context.authenticated.name,
            at: now())
        return try APIServer.json(ProjectResponse(summary))
    }

    /// Withdraws a project nothing was tested on: history is append-only, so the project stays
    /// listed as `withdrawn` with who withdrew it.
    @Sendable func withdraw(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        try await store.withdrawProject(code, actor: context.authenticated.name, at: now())
        return Response(status: .noContent)
    }

    /// A project export as CSV (docs/import.md): a file with any problem imports nothing, and
    /// each problem names its line and column.
    @Sendable func importCSV(_ request: Request, _ context: APIRequestContext) async throws -> Response {
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
            return try APIServer.json(ImportSummaryResponse(summary), status: .created)
        } catch let error as StoreError {
            // What conflicts with stored data is a problem of the uploaded file: name its line.
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
}
