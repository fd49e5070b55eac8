import Foundation

/// What an administrator reviewing projects reads beyond their counts: how a project's state
/// came about (approvals, send-backs and their reasons), and how many ports wait for a re-test.
/// Read-only: the writes are ``AcceptanceStore/applyProjectEvent(_:_:actor:at:)``'s.
public protocol ProjectReviewStore: Sendable {
    /// Every workflow event of project `code`, oldest first: `event` is the event's label
    /// (`approve`, `send back`…), `detail` the reason or counts it carried, `actor` who caused it.
    /// Throws ``StoreError/notFound(_:)`` for an unknown project.
    func projectHistory(_ code: String) async throws -> [HistoryEntry]

    /// For each of `codes` that is a stored project, its ports whose rework the builder reported
    /// and that wait for a re-test.
    func portsAwaitingRetest(projectCodes: [String]) async throws -> [String: Int]
}
