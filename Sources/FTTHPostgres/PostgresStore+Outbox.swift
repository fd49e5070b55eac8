import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore {
    static let outboxSelect = """
        SELECT o.id, o.idempotency_key, o.payload, o.created_at, o.attempts, o.next_attempt_at, o.last_attempt_at,
            o.last_error, o.delivered_at, p.code, s.name AS splitter, sp.number
        FROM outbox o
        JOIN splitter_ports sp ON sp.id = o.port_id
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        """

    static func outboxMessage(_ row: Row) throws -> OutboxMessage {
        let payload: String = try row["payload"]
        return OutboxMessage(
            id: try row["id"],
            port: PortKey(projectCode: try row["code"], splitter: try row["splitter"], port: try row["number"]),
            idempotencyKey: try row["idempotency_key"], payload: Data(payload.utf8), createdAt: try row["created_at"],
            attempts: try row["attempts"], nextAttemptAt: try row["next_attempt_at"],
            deliveredAt: try row["delivered_at"], lastError: try row["last_error"],
            lastAttemptAt: try row["last_attempt_at"])
    }

    static func loadOutboxMessage(_ db: PostgresConnection, _ id: Int64) async throws -> OutboxMessage {
        guard let row = try await db.row(PostgresQuery(outboxSelect, "WHERE o.id = \(id)")) else {
            throw StoredPush.unknownMessage(id)
        }
        return try outboxMessage(row)
    }
}

extension PostgresStore: OutboxStore {
    /// Two daemons enqueueing the same approval at once: each message is inserted `ON CONFLICT
    /// (idempotency_key) DO NOTHING`, and a port's history entry is written only for a row this
    /// call inserted (`RETURNING`). The second transaction meets the first's keys, fails to
    /// serialize, runs again and adds nothing: every port is queued, and its entry written, once.
    public func enqueueAcceptedPorts(projectCode: String, at: Date) async throws -> Int {
        try await write("queueing the accepted ports of \(projectCode) for account opening") { db in
            guard let project = try await db.row("SELECT id, name, state FROM projects WHERE code = \(projectCode)")
            else { throw StoreError.notFound("project \(projectCode)") }
            let state: String = try project["state"]
            guard StoredPush.pushableStates.contains(state) else {
                throw StoredPush.notApproved(projectCode, state: state)
            }
            let projectID: Int64 = try project["id"]
            let projectName: String = try project["name"]
            guard
                let approval = try await db.row(
                    """
                    SELECT id, at FROM project_events
                    WHERE project_id = \(projectID) AND event = \(ProjectEvent.approve.label) ORDER BY id DESC LIMIT 1
                    """)
            else { throw StoredPush.noApproval(projectCode, state: state) }
            let approvalID: Int64 = try approval["id"]
            let approvedAt: Date = try approval["at"]
            let ports = try await db.rows(
                PostgresQuery(
                    Self.portSelect + " WHERE \(Self.overallSQL) = 'pass' AND NOT sp.awaiting_retest",
                    "AND p.code = \(projectCode) ORDER BY s.id, sp.number"))
            var added = 0
            for row in ports {
                let port = try Self.activationRow(row)
                let portID: Int64 = try row["id"]
                guard
                    let result = try await db.row(
                        """
                        SELECT at, profile, olt_tx_centi, olt_rx_centi, onu_tx_centi, onu_rx_centi,
                            downstream_centi, upstream_centi
                        FROM line_results WHERE port_id = \(portID) ORDER BY id DESC LIMIT 1
                        """)
                else { throw StoredPush.passedWithoutResult(port.key) }
                let key = StoredPush.idempotencyKey(port.key, approvalID: approvalID)
                let payload = StoredPush.payload(
                    port, key: key, projectName: projectName,
                    result: StoredPush.LatestResult(
                        at: try result["at"], profile: try result["profile"], oltTxCenti: try result["olt_tx_centi"],
                        oltRxCenti: try result["olt_rx_centi"], onuTxCenti: try result["onu_tx_centi"],
                        onuRxCenti: try result["onu_rx_centi"], downstreamCenti: try result["downstream_centi"],
                        upstreamCenti: try result["upstream_centi"]),
                    approvedAt: approvedAt)
                let body = try StoredPush.body(payload)
                let inserted = try await db.rows(
                    """
                    INSERT INTO outbox (project_id, port_id, idempotency_key, payload, created_at, next_attempt_at)
                    VALUES (\(projectID), \(portID), \(key), \(body), \(at), \(at))
                    ON CONFLICT (idempotency_key) DO NOTHING
                    RETURNING 1
                    """)
                if !inserted.isEmpty {
                    added += 1
                    try await Self.event(
                        db, portID: portID, at: at, StoredPush.queuedEvent, StoredPush.queuedDetail(key: key))
                }
            }
            return added
        }
    }

    public func dueOutboxMessages(limit: Int, now: Date) async throws -> [OutboxMessage] {
        precondition(limit >= 1, "limit must be at least 1")
        return try await read("listing due outbox messages") { db in
            try await db.rows(
                PostgresQuery(
                    Self.outboxSelect,
                    """
                    WHERE o.delivered_at IS NULL AND o.next_attempt_at <= \(now)
                    ORDER BY o.next_attempt_at, o.id LIMIT \(limit)
                    """)
            ).map(Self.outboxMessage)
        }
    }

    public func nextOutboxAttempt() async throws -> Date? {
        try await read("finding the next outbox attempt") { db in
            // MIN is NULL on an empty outbox: read as `Date?` by name (`value(_:as:)` decodes
            // its type without the optional and fails on NULL).
            let row = try await db.row("SELECT MIN(next_attempt_at) AS next FROM outbox WHERE delivered_at IS NULL")
            let next: Date? = try row?["next"]
            return next
        }
    }

    /// The acknowledgement is one conditional UPDATE: only an undelivered message changes, and
    /// the port's "pushed" entry is written only by the call that changed it. Two pushers
    /// reporting the same acknowledgement (or a retry of a lost answer) record it once, with
    /// the first time.
    public func markOutboxDelivered(_ id: Int64, at: Date) async throws {
        try await write("recording the delivery of outbox message \(id)") { db in
            guard
                let row = try await db.row(
                    """
                    UPDATE outbox SET delivered_at = \(at), last_attempt_at = \(at)
                    WHERE id = \(id) AND delivered_at IS NULL
                    RETURNING port_id, attempts, idempotency_key
                    """)
            else {
                // Delivered already (nothing to change), or no such message.
                _ = try await Self.loadOutboxMessage(db, id)
                return
            }
            try await Self.event(
                db, portID: try row["port_id"], at: at, StoredPush.pushedEvent,
                StoredPush.pushedDetail(failures: try row["attempts"], key: try row["idempotency_key"]))
        }
    }

    /// A failure is counted only while the message is undelivered (one conditional UPDATE): a
    /// pusher whose send timed out while another's was acknowledged cannot undo the delivery.
    public func markOutboxFailed(_ id: Int64, error: String, nextAttemptAt: Date, at: Date) async throws {
        try await write("recording a failed push of outbox message \(id)") { db in
            let changed = try await db.rows(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(nextAttemptAt),
                    last_attempt_at = \(at)
                WHERE id = \(id) AND delivered_at IS NULL
                RETURNING 1
                """)
            guard changed.isEmpty else { return }
            throw StoredPush.alreadyDelivered(try await Self.loadOutboxMessage(db, id))
        }
    }

    public func outboxMessages(projectCode: String) async throws -> [OutboxMessage] {
        try await read("listing the pushes of \(projectCode)") { db in
            let projectID = try await Self.projectID(db, projectCode)
            return try await db.rows(
                PostgresQuery(Self.outboxSelect, "WHERE o.project_id = \(projectID) ORDER BY s.id, sp.number, o.id")
            ).map(Self.outboxMessage)
        }
    }

    /// Counted in the database, not read message by message as the protocol's default does:
    /// `/metrics` asks at every scrape.
    public func outboxBacklog() async throws -> Int {
        try await read("counting the outbox's backlog") { db in
            try await db.value("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", as: Int.self) ?? 0
        }
    }

    public func pendingOutboxCount(projectCode: String) async throws -> Int {
        try await read("counting the pending pushes of \(projectCode)") { db in
            let projectID = try await Self.projectID(db, projectCode)
            return try await db.value(
                "SELECT COUNT(*) FROM outbox WHERE project_id = \(projectID) AND delivered_at IS NULL", as: Int.self)
                ?? 0
        }
    }
}
