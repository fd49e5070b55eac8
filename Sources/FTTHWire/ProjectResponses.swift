import FTTHCore
import Foundation

/// `GET /v1/projects`: one page of projects in code order.
public struct ProjectListResponse: Codable, Sendable, Hashable {
    public var projects: [ProjectResponse]
    /// The cursor of the next page (pass it as `after=`); absent on the last page.
    public var next: String?

    /// A page of projects, in the store's order, and the cursor of the next page, if any.
    public init(projects: [ProjectResponse], next: String? = nil) {
        self.projects = projects
        self.next = next
    }
}

/// A project with its state and test counts: `GET /v1/projects/{code}`, `PATCH`, `POST /v1/projects`.
public struct ProjectResponse: Codable, Sendable, Hashable {
    public var code: String
    public var name: String
    /// The workflow state, such as `building`, `awaiting_review` or `withdrawn`.
    public var state: String
    public var acceptanceRequired: Bool
    /// Whether each port test includes a service test; passed and failed then count overall verdicts.
    public var serviceTest: Bool?
    public var splitters: Int
    public var ports: Int
    public var tested: Int
    public var passed: Int
    public var failed: Int

    enum CodingKeys: String, CodingKey {
        case code, name, state, splitters, ports, tested, passed, failed
        case acceptanceRequired = "acceptance_required", serviceTest = "service_test"
    }

    /// The project as the store summarises it.
    public init(_ s: ProjectSummary) {
        code = s.project.code
        name = s.project.name
        state = s.project.state.rawValue
        acceptanceRequired = s.project.acceptanceRequired
        serviceTest = s.project.serviceTest
        splitters = s.splitters
        ports = s.ports
        tested = s.tested
        passed = s.passed
        failed = s.failed
    }
}

/// What `POST /v1/projects/import` added.
public struct ImportSummaryResponse: Codable, Sendable, Hashable {
    public var projects: Int
    public var olts: Int
    public var ponPorts: Int
    public var splitters: Int
    public var ports: Int

    enum CodingKeys: String, CodingKey {
        case projects, olts, splitters, ports
        case ponPorts = "pon_ports"
    }

    /// The counts of an import.
    public init(_ s: ImportSummary) {
        projects = s.projects
        olts = s.olts
        ponPorts = s.ponPorts
        splitters = s.splitters
        ports = s.ports
    }
}

/// A project's state after `POST …/approve` or `POST …/send-back`.
public struct ProjectStateResponse: Codable, Sendable, Hashable {
    public var code: String
    public var state: String

    /// The project `code` is now in `state`.
    public init(code: String, state: ProjectState) {
        self.code = code
        self.state = state.rawValue
    }
}
