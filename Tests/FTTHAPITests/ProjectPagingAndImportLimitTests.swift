import FTTHAPI
import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 12, defect 3: `GET /v1/projects` pages, and the CSV import refuses implausible files
/// with the limit that they break.
@Suite struct ProjectPagingAndImportLimitTests {
    static let header =
        "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports\n"

    static func row(_ project: String, pon: String, ratio: String = "1:8", ports: Int = 2) -> String {
        "\(project),Name \(project),HW-1,10.0.0.1,huawei-ma5800,\(pon),1001,SP-\(project),\(ratio),\(ports)\n"
    }

    /// The fixture's P1 and P2 and five more projects, P3…P7.
    func fixture(_ configuration: AcceptdConfiguration = AcceptdConfiguration()) async throws -> APIFixture {
        let f = try await APIFixture(configuration: configuration)
        let rows = (3...7).map { Self.row("P\($0)", pon: "0/2/\($0)") }.joined()
        _ = try await f.store.importProjects(
            try ProjectImportPlan(csv: Self.header + rows, file: "more.csv"), namingRule: .standard,
            source: "more.csv", at: t0, progress: nil)
        return f
    }

    func codes(_ response: TestResponse) -> [String] {
        (response.json["projects"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test func pagesFollowTheCodeOrderUntilTheLastPageAnswersNoCursor() async throws {
        let f = try await fixture()
        var seen: [String] = []
        var pages = 0
        var uri = "/v1/projects?limit=3"
        while true {
            let page = try await f.request(.get, uri, headers: f.headers(.crew))
            #expect(page.status == .ok, "\(page.text)")
            let codes = codes(page)
            #expect(codes.count <= 3)
            seen += codes
            pages += 1
            guard let next = page.json["next"] as? String else { break }
            uri = "/v1/projects?limit=3&after=\(next)"
            if pages > 5 { break }
        }
        #expect(seen == (1...7).map { "P\($0)" })
        #expect(pages == 3)
        // Without a limit, the default page holds all seven and says no more follow.
        let all = try await f.request(.get, "/v1/projects", headers: f.headers(.crew))
        #expect(codes(all).count == 7)
        #expect(all.json["next"] == nil)
        // A page that ends exactly at the last project says so: no empty page to fetch.
        let exact = try await f.request(.get, "/v1/projects?limit=7", headers: f.headers(.crew))
        #expect(codes(exact).count == 7)
        #expect(exact.json["next"] == nil)
    }

    @Test(arguments: ["0", "-1", "1001", "ten", "2.5", ""])
    func aLimitOutsideOneToAThousandIs400(limit: String) async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/projects?limit=\(limit)", headers: f.headers(.crew))
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.errorField == "limit")
        #expect(response.errorMessage?.contains("1 to 1000") == true)
    }

    @Test(arguments: ["not a cursor", "%2F%2F", "!!"])
    func aCursorNoPageGaveIs400(after: String) async throws {
        let f = try await APIFixture()
        let encoded = after.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? after
        let response = try await f.request(.get, "/v1/projects?after=\(encoded)", headers: f.headers(.crew))
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.errorField == "after")
    }

    @Test func anImportOverThePONPortLimitIs422NamingTheLimit() async throws {
        let f = try await APIFixture()
        let csv =
            Self.header + Self.row("Q1", pon: "0/3/0", ratio: "1:128", ports: 100)
            + Self.row("Q2", pon: "0/3/0", ratio: "1:32", ports: 32)
        let response = try await f.request(
            .post, "/v1/projects/import", headers: f.headers(.admin, contentType: "text/csv"), body: csv)
        #expect(response.status == .unprocessableContent, "\(response.text)")
        #expect(response.errorCode == "import.limit")
        let problems = try #require((response.json["error"] as? [String: Any])?["problems"] as? [[String: Any]])
        #expect(problems.first?["line"] as? Int == 3)
        #expect(problems.first?["column"] as? String == "pon")
        #expect((problems.first?["message"] as? String)?.contains("import.max_ports_per_pon") == true)
        #expect(try await f.store.project("Q1") == nil)
    }

    @Test func anImportOverTheConfiguredProjectsAndSizeLimitsIsRefused() async throws {
        let configuration = try AcceptdConfiguration(
            toml: """
                [import]
                max_projects = 2
                """)
        #expect(configuration.importLimits.maxProjects == 2)
        let f = try await APIFixture(configuration: configuration)
        let three = Self.header + (1...3).map { Self.row("Q\($0)", pon: "0/3/\($0)") }.joined()
        let projects = try await f.request(
            .post, "/v1/projects/import", headers: f.headers(.admin, contentType: "text/csv"), body: three)
        #expect(projects.status == .unprocessableContent, "\(projects.text)")
        #expect(projects.errorCode == "import.limit")

        let sized = try await APIFixture(
            configuration: try AcceptdConfiguration(toml: "[import]\nmax_file_bytes = 4096\n"))
        let big = Self.header + (1...100).map { Self.row("Q\($0)", pon: "0/3/\($0)") }.joined()
        let size = try await sized.request(
            .post, "/v1/projects/import", headers: sized.headers(.admin, contentType: "text/csv"), body: big)
        #expect(size.status == .contentTooLarge, "\(size.text)")
        #expect(size.errorCode == "import.too_large")
        #expect(size.errorMessage?.contains("import.max_file_bytes") == true)
        #expect(try await f.store.project("Q1") == nil)
        #expect(try await sized.store.project("Q1") == nil)
    }
}
