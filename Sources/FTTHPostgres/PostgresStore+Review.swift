import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: ProjectReviewStore {
    public func projectHistory(_ code: String) async throws -> [HistoryEntry] {
        try await read("reading the history of project \(code)") { db in
            let projectID = try await Self.projectID(db, code)
            return try await db.rows(
                "SELECT at, event, actor, detail FROM project_events WHERE project_id = \(projectID) ORDER BY id"
            ).map { row in
                HistoryEntry(
                    at: try row["at"], event: try row["event"], detail: try row["detail"], actor: try row["actor"])
            }
        }
    }

    public func portsAwaitingRetest(projectCodes: [String]) async throws -> [String: Int] {
        guard !projectCodes.isEmpty else { return [:] }
        return try await read("counting the ports awaiting a re-test") { db in
            var counts: [String: Int] = [:]
            for row in try await db.rows(
                """
                SELECT p.code, COUNT(*) FILTER (WHERE sp.awaiting_retest) AS n FROM projects p
                LEFT JOIN splitters s ON s.project_id = p.id LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                WHERE p.code = ANY(\(projectCodes)) GROUP BY p.id, p.code
                """)
            {
                counts[try row["code"]] = try row["n"]
            }
            return counts
        }
    }

    /// ``PortProgress`` in SQL over ``portSelect``'s aliases: the same decision as its
    /// initializer, which the conformance suite holds it to.
    static func progressSQL(_ progress: PortProgress) -> String {
        switch progress {
        case .rework: "sp.awaiting_retest"
        case .passed: "NOT sp.awaiting_retest AND \(overallSQL) = 'pass'"
        case .failed:
            "NOT sp.awaiting_retest AND (\(overallSQL) = 'fail' OR (\(overallSQL) IS NULL AND sp.line_verdict = 'fail'))"
        case .untested:
            "NOT sp.awaiting_retest AND \(overallSQL) IS NULL AND sp.line_verdict IS DISTINCT FROM 'fail'"
        }
    }

    public func activationListPage(
        projectCode: String, splitter: String?, progress: PortProgress?, offset: Int, limit: Int
    ) async throws -> ActivationListPage {
        try await read("listing a page of the ports of \(projectCode)") { db in
            let projectID = try await Self.projectID(db, projectCode)
            let splitters: [String] = try await db.rows(
                "SELECT name FROM splitters WHERE project_id = \(projectID) ORDER BY id"
            ).map { try $0["name"] }
            let total =
                try await db.value(
                    """
                    SELECT COUNT(*) FROM splitter_ports sp JOIN splitters s ON s.id = sp.splitter_id
                    WHERE s.project_id = \(projectID)
                    """, as: Int.self) ?? 0
            var filter: PostgresQuery = "WHERE s.project_id = \(projectID)"
            if let splitter {
                filter.sql += " AND s.name = $\(filter.binds.count + 1)"
                filter.binds.append(splitter)
            }
            if let progress { filter.sql += " AND (\(Self.progressSQL(progress)))" }
            let matching =
                try await db.value(
                    PostgresQuery(
                        """
                        SELECT COUNT(*) FROM splitter_ports sp JOIN splitters s ON s.id = sp.splitter_id
                        JOIN projects p ON p.id = s.project_id
                        """, filter), as: Int.self) ?? 0
            var page = filter
            page.sql += " ORDER BY s.id, sp.number LIMIT $\(page.binds.count + 1) OFFSET $\(page.binds.count + 2)"
            page.binds.append(max(limit, 0))
            page.binds.append(max(offset, 0))
            let rows = try await db.rows(PostgresQuery(Self.portSelect, page)).map(Self.activationRow)
            return ActivationListPage(rows: rows, matching: matching, total: total, splitters: splitters)
        }
    }
}
