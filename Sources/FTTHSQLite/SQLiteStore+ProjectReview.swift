import FTTHCore
import Foundation
import GRDB

extension SQLiteStore: ProjectReviewStore {
    public func projectHistory(_ code: String) async throws -> [HistoryEntry] {
        try await read("reading the history of project \(code)") { db in
            let projectID = try Self.projectID(db, code)
            return try Row.fetchAll(
                db, sql: "SELECT at, event, actor, detail FROM project_events WHERE project_id = ? ORDER BY id",
                arguments: [projectID]
            ).map { row in HistoryEntry(at: row["at"], event: row["event"], detail: row["detail"], actor: row["actor"])
            }
        }
    }

    public func portsAwaitingRetest(projectCodes: [String]) async throws -> [String: Int] {
        guard !projectCodes.isEmpty else { return [:] }
        return try await read("counting the ports awaiting a re-test") { db in
            let marks = Array(repeating: "?", count: projectCodes.count).joined(separator: ", ")
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT p.code, COALESCE(SUM(sp.awaiting_retest), 0) AS n FROM projects p
                    LEFT JOIN splitters s ON s.project_id = p.id LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                    WHERE p.code IN (\(marks)) GROUP BY p.id
                    """, arguments: StatementArguments(projectCodes))
            {
                counts[row["code"]] = row["n"]
            }
            return counts
        }
    }
}
