import FTTHCore
import Foundation
import GRDB

extension SQLiteStore: OutboxStore {
    /// `outbox`: one row per push of an accepted port, written before it is sent. The unique
    /// idempotency key makes enqueueing the same approval twice add nothing.
    static func registerOutboxMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY,
                        project_id INTEGER NOT NULL REFERENCES projects(id),
                        port_id INTEGER NOT NULL REFERENCES splitter_ports(id),
                        idempotency_key TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME NOT NULL,
                        last_attempt_at DATETIME,
                        last_error TEXT,
                        delivered_at DATETIME
                    );
                    CREATE UNIQUE INDEX outbox_idempotency_key ON outbox (idempotency_key);
                    CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE delivered_at IS NULL;
                    CREATE INDEX outbox_project ON outbox (project_id, id);
                    """)
        }
    }

    static let outboxSelect = """
        SELECT o.id, o.idempotency_key, o.payload, o.created_at, o.attempts, o.next_attempt_at, o.last_attempt_at,
            o.last_error, o.delivered_at, p.code, s.name AS splitter, sp.number
        FROM outbox o
        JOIN splitter_ports sp ON sp.id = o.port_id
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        """

    static func outboxMessage(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], port: PortKey(projectCode: row["code"], splitter: row["splitter"], port: row["number"]),
            idempotencyKey: row["idempotency_key"], payload: Data((row["payload"] as String).utf8),
            createdAt: row["created_at"], attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"],
            deliveredAt: row["delivered_at"], lastError: row["last_error"], lastAttemptAt: row["last_attempt_at"])
    }

    static func loadOutboxMessage(_ db: Database, _ id: Int64) throws -> OutboxMessage {
        guard let row = try Row.fetchOne(db, sql: outboxSelect + " WHERE o.id = ?", arguments: [id]) else {
            throw StoredPush.unknownMessage(id)
        }
        return outboxMessage(row)
    }

    static func projectID(_ db: Database, _ code: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM projects WHERE code = ?", arguments: [code]) else {
            throw StoreError.notFound("project \(code)")
        }
        return id
    }

    public func enqueueAcceptedPorts(projectCode: String, at: Date) async throws -> Int {
        try await write("queueing the accepted ports of \(projectCode) for account opening") { db in
            guard
                let project = try Row.fetchOne(
                    db, sql: "SELECT id, name, state FROM projects WHERE code = ?", arguments: [projectCode])
            else { throw StoreError.notFound("project \(projectCode)") }
            let state: String = project["state"]
            guard StoredPush.pushableStates.contains(state) else {
                throw StoredPush.notApproved(projectCode, state: state)
            }
            let projectID: Int64 = project["id"]
            guard
                let approval = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, at FROM project_events
                        WHERE project_id = ? AND event = ? ORDER BY id DESC LIMIT 1
                        """,
                    arguments: [projectID, ProjectEvent.approve.label])
            else { throw StoredPush.noApproval(projectCode, state: state) }
            let approvalID: Int64 = approval["id"]
            let ports = try Row.fetchAll(
                db,
                sql: Self.portSelect + """
                     WHERE p.code = ? AND \(Self.overallSQL) = 'pass' AND sp.awaiting_retest = 0
                    ORDER BY s.id, sp.number
                    """,
                arguments: [projectCode])
            var added = 0
            for row in ports {
                let port = try Self.activationRow(row)
                let portID: Int64 = row["id"]
                guard
                    let result = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT at, profile, olt_tx_centi, olt_rx_centi, onu_tx_centi, onu_rx_centi,
                                downstream_centi, upstream_centi
                            FROM line_results WHERE port_id = ? ORDER BY id DESC LIMIT 1
                            """,
                        arguments: [portID])
                else { throw StoredPush.passedWithoutResult(port.key) }
                let key = StoredPush.idempotencyKey(port.key, approvalID: approvalID)
                let payload = StoredPush.payload(
                    port, key: key, projectName: project["name"],
                    result: StoredPush.LatestResult(
                        at: result["at"], profile: result["profile"], oltTxCenti: result["olt_tx_centi"],
                        oltRxCenti: result["olt_rx_centi"], onuTxCenti: result["onu_tx_centi"],
                        onuRxCenti: result["onu_rx_centi"], downstreamCenti: result["downstream_centi"],
                        upstreamCenti: result["upstream_centi"]),
                    approvedAt: approval["at"])
                let body = try StoredPush.body(payload)
                try db.execute(
                    sql: """
                        INSERT INTO outbox (project_id, port_id, idempotency_key, payload, created_at, next_attempt_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                        """,
                    arguments: [projectID, portID, key, body, at, at])
                if db.changesCount > 0 {
                    added += 1
                    try Self.event(
                        db, portID: portID, at: at, StoredPush.queuedEvent, StoredPush.queuedDetail(key: key))
                }
            }
            return added
        }
    }

    public func dueOutboxMessages(limit: Int, now: Date) async throws -> [OutboxMessage] {
        precondition(limit >= 1, "limit must be at least 1")
        return try await read("listing due outbox messages") { db in
            try Row.fetchAll(
                db,
                sql: Self.outboxSelect
                    + " WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?",
                arguments: [now, limit]
            ).map(Self.outboxMessage)
        }
    }

    public func nextOutboxAttempt() async throws -> Date? {
        try await read("finding the next outbox attempt") { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE delivered_at IS NULL")
        }
    }

    public func markOutboxDelivered(_ id: Int64, at: Date) async throws {
        try await write("recording the delivery of outbox message \(id)") { db in
            let message = try Self.loadOutboxMessage(db, id)
            guard !message.isDelivered else { return }
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ?, last_attempt_at = ? WHERE id = ?", arguments: [at, at, id])
            let port = try Self.loadPort(db, message.port)
            try Self.event(
                db, portID: port.id, at: at, StoredPush.pushedEvent,
                StoredPush.pushedDetail(failures: message.attempts, key: message.idempotencyKey))
        }
    }

    public func markOutboxFailed(_ id: Int64, error: String, nextAttemptAt: Date, at: Date) async throws {
        try await write("recording a failed push of outbox message \(id)") { db in
            let message = try Self.loadOutboxMessage(db, id)
            guard !message.isDelivered else { throw StoredPush.alreadyDelivered(message) }
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, last_attempt_at = ?
                    WHERE id = ?
                    """,
                arguments: [error, nextAttemptAt, at, id])
        }
    }

    public func outboxMessages(projectCode: String) async throws -> [OutboxMessage] {
        try await read("listing the pushes of \(projectCode)") { db in
            let projectID = try Self.projectID(db, projectCode)
            return try Row.fetchAll(
                db, sql: Self.outboxSelect + " WHERE o.project_id = ? ORDER BY s.id, sp.number, o.id",
                arguments: [projectID]
            ).map(Self.outboxMessage)
        }
    }

    public func outboxBacklog() async throws -> Int {
        try await read("counting the outbox's backlog") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") ?? 0
        }
    }

    public func pendingOutboxCount(projectCode: String) async throws -> Int {
        try await read("counting the pending pushes of \(projectCode)") { db in
            let projectID = try Self.projectID(db, projectCode)
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM outbox WHERE project_id = ? AND delivered_at IS NULL",
                arguments: [projectID]) ?? 0
        }
    }
}
