import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// A project's ports: the activation list, one port's results and history, the acceptance report.
struct PortRoutes: APIRouteGroup {
    static let mount = "/v1/projects"

    let store: any APIStore

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "{code}/activation-list", use: activationList)
        routes.on(.get, "{code}/ports/{splitter}/{port}/results", use: results)
        routes.on(.get, "{code}/report.csv", use: report)
    }

    @Sendable func activationList(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let rows = try await store.activationList(projectCode: code).map(ActivationRowResponse.init)
        return try APIServer.json(ActivationListResponse(projectCode: code, ports: rows))
    }

    @Sendable func results(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try portKey(context)
        let results = try await store.lineResults(key)
        let history = try await store.portHistory(key)
        guard let row = try await store.activationList(projectCode: key.projectCode).first(where: { $0.key == key })
        else { throw StoreError.notFound("port \(key)") }
        var response = PortResultsResponse(
            port: ActivationRowResponse(row), results: results.map(LineResultResponse.init),
            history: history.map(HistoryEntryResponse.init))
        if row.workflow.verdict.serviceRequired {
            response.serviceResults = try await store.serviceTests(key).map(ServiceResultResponse.init)
        }
        return try APIServer.json(response)
    }

    @Sendable func report(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let rows = try await store.activationList(projectCode: code)
        let serviceColumns = rows.first?.workflow.verdict.serviceRequired ?? false
        var report = ProjectReportCSV(serviceColumns: serviceColumns)
        for row in rows {
            let service = serviceColumns ? try await store.serviceTests(row.key).last { $0.verdict != nil } : nil
            report.add(row, latest: try await store.lineResults(row.key).last, service: service)
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = ContentDisposition.attachment(filename: "\(code)-report.csv")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.text)))
    }

    func portKey(_ context: APIRequestContext) throws -> PortKey {
        let code = try context.pathParameter("code")
        let splitter = try context.pathParameter("splitter")
        let port = try context.integerParameter("port", example: "/ports/SP-A/3")
        return PortKey(projectCode: code, splitter: splitter, port: port)
    }
}
