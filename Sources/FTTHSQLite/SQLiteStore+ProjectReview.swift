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
            ).map { row in
                HistoryEntry(at: row["at"], event: row["event"], detail: row["detail"], actor: row["actor"])
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

    /// ``PortProgress`` in SQL over ``portSelect``'s aliases: the same decision as its
    /// initializer, which a test holds it to.
    static func progressSQL(_ progress: PortProgress) -> String {
        switch progress {
        case .rework: "sp.awaiting_retest = 1"
        case .passed: "sp.awaiting_retest = 0 AND \(overallSQL) = 'pass'"
        case .failed:
            "sp.awaiting_retest = 0 AND (\(overallSQL) = 'fail' OR (\(overallSQL) IS NULL AND sp.line_verdict = 'fail'))"
        case .untested:
            "sp.awaiting_retest = 0 AND \(overallSQL) IS NULL AND sp.line_verdict IS NOT 'fail'"
        }
    }

    public func activationListPage(
        projectCode: String, splitter: String?, progress: PortProgress?, offset: Int, limit: Int
    ) async throws -> ActivationListPage {
        try await read("listing a page of the ports of \(projectCode)") { db in
            let projectID = try Self.projectID(db, projectCode)
            let splitters = try String.fetchAll(
                db, sql: "SELECT name FROM splitters WHERE project_id = ? ORDER BY id", arguments: [projectID])
            let total =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM splitter_ports sp JOIN splitters s ON s.id = sp.splitter_id
                        WHERE s.project_id = ?
                        """, arguments: [projectID]) ?? 0
            var conditions = ["s.project_id = ?"]
            var arguments: StatementArguments = [projectID]
            if let splitter {
                conditions.append("s.name = ?")
                arguments += [splitter]
            }
            if let progress { conditions.append("(\(Self.progressSQL(progress)))") }
            let filter = " WHERE " + conditions.joined(separator: " AND ")
            let matching =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM splitter_ports sp JOIN splitters s ON s.id = sp.splitter_id
                        JOIN projects p ON p.id = s.project_id
                        """ + filter, arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: Self.portSelect + filter + " ORDER BY s.id, sp.number LIMIT ? OFFSET ?",
                arguments: arguments + [max(limit, 0), max(offset, 0)]
            ).map(Self.activationRow)
            return ActivationListPage(rows: rows, matching: matching, total: total, splitters: splitters)
        }
    }
}
