import Foundation

/// Where a port stands, as an administrator filters a project's ports by it: waiting for a
/// re-test after a reported rework, else by its overall verdict (a failed line fails the port
/// before its service test is done), else untested.
public enum PortProgress: String, Sendable, Hashable, Codable, CaseIterable {
    case untested
    case passed
    case failed
    /// The builder reported the port reworked: its last result no longer stands.
    case rework

    /// The progress of a port in `workflow`'s state.
    public init(_ workflow: PortWorkflow) {
        if workflow.awaitingRetest {
            self = .rework
            return
        }
        switch workflow.verdict.overall {
        case .pass?: self = .passed
        case .fail?: self = .failed
        case nil: self = workflow.verdict.line == .fail ? .failed : .untested
        }
    }
}

/// One page of a project's activation list, filtered, with what the filter and the pager need.
public struct ActivationListPage: Sendable, Hashable {
    /// The page's rows, in activation-list order (splitter, then port).
    public var rows: [ActivationListRow]
    /// Rows that match the filter, on every page.
    public var matching: Int
    /// Ports of the project.
    public var total: Int
    /// The project's splitters, in activation-list order.
    public var splitters: [String]

    /// A page as the store read it.
    public init(rows: [ActivationListRow], matching: Int, total: Int, splitters: [String]) {
        self.rows = rows
        self.matching = matching
        self.total = total
        self.splitters = splitters
    }
}

/// What an administrator reviewing projects reads beyond their counts: how a project's state
/// came about (approvals, send-backs and their reasons), how many ports wait for a re-test, and
/// the activation list a page at a time. Read-only: the writes are
/// ``AcceptanceStore/applyProjectEvent(_:_:actor:at:)``'s and the port workflow's.
public protocol ProjectReviewStore: Sendable {
    /// Every workflow event of project `code`, oldest first: `event` is the event's label
    /// (`approve`, `send back`…), `detail` the reason or counts it carried, `actor` who caused it.
    /// Throws ``StoreError/notFound(_:)`` for an unknown project.
    func projectHistory(_ code: String) async throws -> [HistoryEntry]

    /// For each of `codes` that is a stored project, its ports whose rework the builder reported
    /// and that wait for a re-test.
    func portsAwaitingRetest(projectCodes: [String]) async throws -> [String: Int]

    /// The rows of project `code`'s activation list on splitter `splitter` (any when nil) whose
    /// ``PortProgress`` is `progress` (any when nil): at most `limit` from the `offset`-th, read
    /// and counted by the database, so that a page of a project of thousands of ports costs a
    /// page. Throws ``StoreError/notFound(_:)`` for an unknown project.
    func activationListPage(
        projectCode: String, splitter: String?, progress: PortProgress?, offset: Int, limit: Int
    ) async throws -> ActivationListPage
}
