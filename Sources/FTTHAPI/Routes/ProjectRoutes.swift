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

    /// One page of projects in code order (``PageQuery``): `limit`, `after`, and `next` in the
    /// answer while more follow.
    @Sendable func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let page = try PageQuery(request)
        // One more than asked for tells whether another page follows.
        var projects = try await store.projects(after: page.after, limit: page.limit + 1)
        var next: String?
        if projects.count > page.limit {
            projects.removeLast(projects.count - page.limit)
            next = projects.last.map { PageQuery.cursor(after: $0.project.code) }
        }
        return try APIServer.json(ProjectListResponse(projects: projects.map(ProjectResponse.init), next: next))
    }

    @Sendable func project(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        guard let summary = try await store.project(code) else {
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
            plan = try ProjectImportPlan(table: body.table, limits: configuration.importLimits)
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
        guard let summary = try await store.project(code) else {
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

    /// A project export as CSV (docs/import.md), read as it arrives and checked against the
    /// plausibility limits of `[import]`: a file with any problem imports nothing, and each
    /// problem names its line and column. Each project is then written in a transaction of its
    /// own, so that other requests are served during a long import; a project is stored whole
    /// or not at all.
    @Sendable func importCSV(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("text/csv") else {
            throw APIError(
                .badRequest, code: "request.content_type",
                message: "send the project export as 'Content-Type: text/csv' (columns: docs/import.md)",
                field: "Content-Type")
        }
        let limits = configuration.importLimits
        let plan: ProjectImportPlan
        do {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxFileBytes {
                throw limits.fileTooLarge(file: "body", bytes: length)
            }
            var reader = ProjectImportPlan.Reader(file: "body", limits: limits)
            // A client sends the whole body before it reads the answer: after a refusal the rest
            // is read and dropped (at most max_file_bytes in all), else both ends would wait.
            var refusal: CSVProblems?
            var received = 0
            for try await buffer in request.body {
                received += buffer.readableBytes
                if refusal == nil {
                    do {
                        try reader.read(buffer.readableBytesView)
                    } catch let problems as CSVProblems {
                        refusal = problems
                    }
                }
                if let refusal, refusal.code == "import.too_large" || received > limits.maxFileBytes { break }
            }
            if let refusal { throw refusal }
            plan = try reader.finish()
        } catch let problems as CSVProblems {
            let tooLarge = problems.code == "import.too_large"
            throw APIError(
                tooLarge ? .contentTooLarge : .unprocessableContent, code: problems.code,
                message: tooLarge
                    ? problems.problems.first?.message ?? "the file is too large"
                    : "\(problems.problems.count) problem(s) in the CSV; nothing was imported",
                problems: problems.problems.map {
                    .init(line: $0.location.line, column: $0.location.column, message: $0.message)
                },
                // The rest of a body too large to read is not waited for: the connection ends.
                headers: tooLarge ? [.connection: "close"] : [:])
        }
        let source = "upload by \(context.authenticated.name)"
        let logger = context.logger
        do {
            let summary = try await store.importProjectsByProject(
                plan, namingRule: configuration.namingRule, source: source, at: now(),
                policy: configuration.activation,
                afterEach: { progress in
                    if progress.projects % 100 == 0 || progress.projects == progress.totalProjects {
                        logger.info(
                            "importing projects",
                            metadata: [
                                "import.projects": "\(progress.projects)/\(progress.totalProjects)",
                                "import.ports": "\(progress.ports)/\(progress.totalPorts)",
                            ])
                    }
                })
            return try APIServer.json(ImportSummaryResponse(summary), status: .created)
        } catch let error as PartialImportError {
            throw Self.importConflict(error.cause, message: "the CSV conflicts with the store; \(error.summary)")
        } catch let error as StoreError {
            throw Self.importConflict(error, message: nil)
        }
    }

    /// What conflicts with stored data is a problem of the uploaded file: name its line.
    static func importConflict(_ error: StoreError, message: String?) -> any Error {
        switch error {
        case .conflict(let location, let text):
            return APIError(
                .unprocessableContent, code: error.code,
                message: message ?? "the CSV conflicts with the store; nothing was imported",
                problems: [.init(line: location?.line, column: location?.column, message: text)])
        case .naming(let location, let naming):
            return APIError(
                .unprocessableContent, code: error.code,
                message: message ?? "a test ONU name cannot be made; nothing was imported",
                problems: [.init(line: location?.line, column: location?.column, message: naming.description)])
        default:
            return error
        }
    }
}
