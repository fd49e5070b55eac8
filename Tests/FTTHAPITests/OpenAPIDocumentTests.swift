import FTTHAPI
import FTTHCore
import Foundation
import Hummingbird
import Testing

/// One operation of the OpenAPI document: its method and path, and the roles it states twice, in
/// `x-roles` and at the end of its summary ("Roles: crew, admin.").
struct DocumentedOperation: Hashable, CustomStringConvertible {
    var method: String
    var path: String
    var xRoles: Set<String>
    var summaryRoles: Set<String>

    var description: String { "\(method.uppercased()) \(path)" }

    /// The operations under `paths:`, read line by line (the document's layout is fixed: paths at
    /// two spaces, methods at four, an operation's fields at six).
    static func all(in yaml: String) -> [DocumentedOperation] {
        let methods: Set<String> = ["get", "put", "post", "patch", "delete"]
        var operations: [DocumentedOperation] = []
        var inPaths = false
        var path: String?
        func roles(_ list: Substring) -> Set<String> {
            Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"),
                methods.contains(String(line.dropFirst(4).dropLast())), let path
            {
                operations.append(
                    DocumentedOperation(
                        method: String(line.dropFirst(4).dropLast()), path: path, xRoles: [], summaryRoles: []))
            } else if line.hasPrefix("      x-roles: ["), line.hasSuffix("]"), !operations.isEmpty {
                operations[operations.count - 1].xRoles = roles(line.dropFirst("      x-roles: [".count).dropLast())
            } else if line.hasPrefix("      summary: "), let range = line.range(of: "Roles: "), !operations.isEmpty {
                let tail = line[range.upperBound...].prefix { $0 != "." }
                operations[operations.count - 1].summaryRoles = roles(tail)
            }
        }
        return operations
    }
}

@Suite struct OpenAPIDocumentTests {
    let documented = DocumentedOperation.all(in: OpenAPIDocument.yaml)
    let table = APIServer.routes + APIServer.engineRoutes

    func key(_ route: APIRoute) -> String { "\(route.method) \(route.path)" }

    @Test func theDocumentIsReadAndHasEveryOperationOnce() {
        #expect(OpenAPIDocument.yaml.hasPrefix("openapi: 3.1.0"))
        #expect(documented.count >= 19)
        #expect(Set(documented.map(\.description)).count == documented.count)
    }

    @Test func everyRouteOfTheAccessTableIsDocumentedAndEveryDocumentedRouteExists() {
        let served = Set(table.map(key))
        let described = Set(documented.map(\.description))
        #expect(served.subtracting(described).isEmpty, "not documented: \(served.subtracting(described).sorted())")
        #expect(
            described.subtracting(served).isEmpty, "documented, not served: \(described.subtracting(served).sorted())")
    }

    @Test func theDocumentStatesTheRolesOfTheAccessTableInXRolesAndInTheSummary() {
        let roles = Dictionary(uniqueKeysWithValues: table.map { (key($0), Set($0.roles.map(\.rawValue))) })
        for operation in documented {
            guard let expected = roles[operation.description] else { continue }
            #expect(operation.xRoles == expected, "x-roles of \(operation)")
            #expect(operation.summaryRoles == expected, "summary of \(operation)")
        }
    }

    @Test func theServedDocumentIsTheResource() async throws {
        let fixture = try await APIFixture()
        let response = try await fixture.request(.get, "/v1/openapi.yaml", headers: fixture.headers(.crew))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
        #expect(response.text == OpenAPIDocument.yaml)
    }

    /// This session's fields of the wire are in the document.
    @Test(arguments: [
        "run_id:", "warnings:", "checks:", "limits:", "serial:", "verdict:", "reasons:", "binding:", "aspect:",
    ])
    func newFieldsAreDocumented(field: String) {
        #expect(OpenAPIDocument.yaml.contains("        \(field)"))
    }
}
