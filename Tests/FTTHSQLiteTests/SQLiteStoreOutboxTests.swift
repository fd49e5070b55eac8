import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteStoreOutboxTests {
    let city = CVLANRange(name: "city", first: VLANID(3000)!, last: VLANID(3099)!)

    func key(_ splitter: String, _ port: Int) -> PortKey { PortKey(projectCode: "P1", splitter: splitter, port: port) }

    /// P1 with SP-A ports 1–3 passed, port 4 failed and the rest untested, approved.
    func approved() async throws -> TemporaryStore {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        _ = try await t.store.applyProjectEvent("P1", .startTesting, actor: "crew", at: t0)
        for port in 1...4 {
            let readings = port == 4 ? failing : passing
            _ = try await t.store.recordActivation(key("SP-A", port), serial: nil, configuredRanges: [city], at: t0)
            try await t.store.recordLineResult(
                key("SP-A", port), readings: readings, verdict: ThresholdProfile.build.evaluate(readings),
                at: t0.addingTimeInterval(Double(port)))
        }
        _ = try await t.store.applyProjectEvent(
            "P1", .testsCompleted(passed: 3, failed: 0, untested: 0), actor: "engine", at: t0)
        _ = try await t.store.applyProjectEvent("P1", .approve, actor: "admin", at: t0.addingTimeInterval(60))
        return t
    }

    @Test func enqueueWritesOneMessagePerPassedPortWithThePayload() async throws {
        let t = try await approved()
        let added = try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0.addingTimeInterval(120))
        #expect(added == 3)
        let messages = try await t.store.outboxMessages(projectCode: "P1")
        #expect(messages.map(\.port) == [key("SP-A", 1), key("SP-A", 2), key("SP-A", 3)])
        #expect(Set(messages.map(\.idempotencyKey)).count == 3)
        #expect(messages.allSatisfy { $0.attempts == 0 && !$0.isDelivered && $0.lastError == nil })
        let payload = try AcceptedPortPayload.decode(messages[1].payload)
        #expect(payload.idempotencyKey == messages[1].idempotencyKey)
        #expect(payload.project == "P1")
        #expect(payload.projectName == "Garden Court")
        #expect(payload.oltIP == "10.0.0.1")
        #expect(payload.pon == "0/1/0")
        #expect(payload.splitter == "SP-A")
        #expect(payload.port == 2)
        #expect(payload.oltTxDBm == 3.5)
        #expect(payload.oltRxDBm == -18)
        #expect(payload.onuTxDBm == 2.1)
        #expect(payload.onuRxDBm == -17.2)
        #expect(payload.downstreamAttenuationDB == 20.7)
        #expect(payload.upstreamAttenuationDB == 20.1)
        #expect(payload.lineVerdict == "pass")
        #expect(payload.profile == "build")
        #expect(payload.testedAt == t0.addingTimeInterval(2))
        #expect(payload.approvedAt == t0.addingTimeInterval(60))
        let history = try await t.store.portHistory(key("SP-A", 2))
        #expect(history.last?.event == "push_queued")
    }

    /// The key travels as an HTTP header, which carries ASCII only: a Chinese splitter name is
    /// percent-encoded in it (and stays as it is in the JSON body).
    @Test func anIdempotencyKeyIsASCIIForAChineseSplitterName() async throws {
        let t = try TemporaryStore()
        let name = "花园苑2期3号楼分光器"
        _ = try await t.store.importProjects(
            try ProjectImportPlan(
                csv: """
                    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
                    P9,花园苑,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,\(name),1:8,1
                    """, file: "p9.csv"), namingRule: .standard, source: "p9.csv", at: t0, progress: nil)
        let port = PortKey(projectCode: "P9", splitter: name, port: 1)
        _ = try await t.store.recordActivation(port, serial: nil, configuredRanges: [city], at: t0)
        try await t.store.recordLineResult(
            port, readings: passing, verdict: ThresholdProfile.build.evaluate(passing), at: t0)
        _ = try await t.store.applyProjectEvent("P9", .approve, actor: "admin", at: t0)
        #expect(try await t.store.enqueueAcceptedPorts(projectCode: "P9", at: t0) == 1)
        let message = try #require(try await t.store.outboxMessages(projectCode: "P9").first)
        let ascii = message.idempotencyKey.unicodeScalars.allSatisfy(\.isASCII)
        #expect(ascii)
        #expect(message.idempotencyKey.hasPrefix("P9/%E8%8A%B1%E5%9B%AD%E8%8B%91"))
        #expect(message.idempotencyKey.removingPercentEncoding?.hasPrefix("P9/\(name)/1/") == true)
        let payload = try AcceptedPortPayload.decode(message.payload)
        #expect(payload.splitter == name)
    }

    @Test func enqueueingTheSameApprovalTwiceAddsNothing() async throws {
        let t = try await approved()
        #expect(try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0) == 3)
        #expect(try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0.addingTimeInterval(5)) == 0)
        #expect(try await t.store.outboxMessages(projectCode: "P1").count == 3)
        // The key is unique in the table itself, not only in the method.
        let first = try await t.store.outboxMessages(projectCode: "P1")[0]
        let pool = try DatabasePool(path: t.path)
        #expect(throws: DatabaseError.self) {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO outbox (project_id, port_id, idempotency_key, payload, created_at, next_attempt_at)
                        SELECT project_id, port_id, idempotency_key, payload, created_at, next_attempt_at FROM outbox
                        WHERE id = ?
                        """, arguments: [first.id])
            }
        }
    }

    @Test(arguments: [false, true])
    func aProjectThatIsNotApprovedIsRefused(testing: Bool) async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        if testing { _ = try await t.store.applyProjectEvent("P1", .startTesting, actor: "crew", at: t0) }
        await #expect {
            _ = try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .conflict = e else { return false }
            return "\(e)".contains("P1") && "\(e)".contains(testing ? "'testing'" : "'entered'")
                && "\(e)".contains("approve it first")
        }
        #expect(try await t.store.outboxMessages(projectCode: "P1").isEmpty)
        await #expect(throws: StoreError.self) { _ = try await t.store.enqueueAcceptedPorts(projectCode: "P9", at: t0) }
    }

    @Test func dueMessagesComeMostOverdueFirstAndFailuresAreCounted() async throws {
        let t = try await approved()
        _ = try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0)
        var messages = try await t.store.outboxMessages(projectCode: "P1")
        #expect(try await t.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(-1)).isEmpty)
        #expect(try await t.store.dueOutboxMessages(limit: 2, now: t0).map(\.id) == [messages[0].id, messages[1].id])
        // The first fails twice and waits; the others are due before it.
        try await t.store.markOutboxFailed(
            messages[0].id, error: "HTTP 503", nextAttemptAt: t0.addingTimeInterval(10), at: t0)
        try await t.store.markOutboxFailed(
            messages[0].id, error: "no answer: connection refused", nextAttemptAt: t0.addingTimeInterval(30),
            at: t0.addingTimeInterval(10))
        #expect(
            try await t.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(29)).map(\.id) == [
                messages[1].id, messages[2].id,
            ])
        #expect(try await t.store.nextOutboxAttempt() == t0)
        try await t.store.markOutboxDelivered(messages[1].id, at: t0.addingTimeInterval(1))
        try await t.store.markOutboxDelivered(messages[2].id, at: t0.addingTimeInterval(1))
        #expect(try await t.store.nextOutboxAttempt() == t0.addingTimeInterval(30))
        #expect(
            try await t.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(30)).map(\.id) == [messages[0].id]
        )
        #expect(try await t.store.pendingOutboxCount(projectCode: "P1") == 1)
        messages = try await t.store.outboxMessages(projectCode: "P1")
        #expect(messages[0].attempts == 2)
        #expect(messages[0].lastError == "no answer: connection refused")
        #expect(messages[0].lastAttemptAt == t0.addingTimeInterval(10))
        #expect(messages[1].isDelivered && messages[1].attempts == 0)
    }

    @Test func aDeliveredMessageStaysDelivered() async throws {
        let t = try await approved()
        _ = try await t.store.enqueueAcceptedPorts(projectCode: "P1", at: t0)
        let id = try await t.store.outboxMessages(projectCode: "P1")[0].id
        try await t.store.markOutboxDelivered(id, at: t0.addingTimeInterval(1))
        try await t.store.markOutboxDelivered(id, at: t0.addingTimeInterval(2))
        await #expect(throws: StoreError.self) {
            try await t.store.markOutboxFailed(id, error: "late", nextAttemptAt: t0, at: t0.addingTimeInterval(3))
        }
        let message = try await t.store.outboxMessages(projectCode: "P1")[0]
        #expect(message.deliveredAt == t0.addingTimeInterval(1))
        #expect(
            try await t.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(100)).contains { $0.id == id }
                == false)
        #expect(try await t.store.portHistory(key("SP-A", 1)).filter { $0.event == "pushed" }.count == 1)
        await #expect(throws: StoreError.self) { try await t.store.markOutboxDelivered(999, at: t0) }
    }
}
