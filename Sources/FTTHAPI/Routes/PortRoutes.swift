import FTTHCore
import FTTHReport
import FTTHWire
import Foundation
import Hummingbird

/// A project's ports: the activation list, one port's results and history, the acceptance report.
struct PortRoutes: APIRouteGroup {
    static let mount = "/v1/projects"

    let store: any APIStore
    /// The figures the diagnosis predicts each link's loss with (`[diagnosis]`).
    var figures = LossFigures.standard

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "{code}/activation-list", use: activationList)
        routes.on(.get, "{code}/ports/{splitter}/{port}/results", use: results)
        routes.on(.get, "{code}/report.csv", use: report)
        routes.on(.get, "{code}/report.xlsx", use: reportXLSX)
    }

    @Sendable func activationList(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let rows = try await store.activationList(projectCode: code)
        // Each splitter's diagnosis, from one read of each OLT's results.
        var links: [ManagementAddress: ODNLinks] = [:]
        var splitters: [SplitterDiagnosisWire] = []
        var seen: Set<SplitterKey> = []
        for row in rows {
            let splitter = SplitterKey(projectCode: code, name: row.key.splitter)
            guard seen.insert(splitter).inserted else { continue }
            if links[row.olt] == nil { links[row.olt] = try await store.odnLinks(olt: row.olt, figures: figures) }
            if let summary = links[row.olt]?.summary(splitter) { splitters.append(SplitterDiagnosisWire(summary)) }
        }
        return try APIServer.json(
            ActivationListResponse(
                projectCode: code, ports: rows.map(ActivationRowResponse.init), splitters: splitters))
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
        if !results.isEmpty {
            // Computed on read from every result on the OLT, so it refines as siblings are tested.
            let links = try await store.odnLinks(olt: row.olt, figures: figures)
            response.diagnosis = links.diagnose(key).map(DiagnosisWire.init)
            response.splitterDiagnosis = links.summary(SplitterKey(projectCode: key.projectCode, name: key.splitter))
                .map(SplitterDiagnosisWire.init)
        }
        return try APIServer.json(response)
    }

    @Sendable func report(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let report = try await ProjectReport.load(project: code, from: store, figures: figures)
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = ContentDisposition.attachment(filename: "\(code)-report.csv")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.csv)))
    }

    /// The rows of report.csv as a workbook, with a sheet of per-splitter summaries.
    @Sendable func reportXLSX(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let report = try await ProjectReport.load(project: code, from: store, figures: figures)
        return try Self.xlsxResponse(report, code: code)
    }

    /// `report`'s workbook as a download named after project `code`.
    static func xlsxResponse(_ report: ProjectReport, code: String) throws -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = XLSXWorkbook.contentType
        headers[.contentDisposition] = ContentDisposition.attachment(filename: "\(code)-report.xlsx")
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try report.workbook.data())))
    }

    func portKey(_ context: APIRequestContext) throws -> PortKey {
        let code = try context.pathParameter("code")
        let splitter = try context.pathParameter("splitter")
        let port = try context.integerParameter("port", example: "/ports/SP-A/3")
        return PortKey(projectCode: code, splitter: splitter, port: port)
    }
}
