import FTTHCore
import Foundation
import Testing

/// The contract of ``OutboxStore`` the outbox pusher relies on: one message per passed port of
/// an approved project, keyed per port and approval; due messages most overdue first; a
/// delivery recorded once and never undone; failures counted.
@Suite("Store conformance: outbox")
struct OutboxConformanceTests {
    typealias Base = StoreConformanceTests
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-B,1:8,4
        """
    static let city = CVLANRange(name: "city", first: VLANID(3000)!, last: VLANID(3099)!)
    static let passing = Base.good
    static let failing = Base.weak

    static func key(_ splitter: String, _ port: Int) -> PortKey {
        PortKey(projectCode: "P1", splitter: splitter, port: port)
    }

    /// P1 with SP-A ports 1–3 passed, port 4 failed and the rest untested, approved at t0 + 60 s.
    func approved(_ kind: StoreKind) async throws -> StoreKind.Handle {
        let h = try await kind.make()
        let store = h.store
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: Base.t0,
            progress: nil)
        _ = try await store.applyProjectEvent("P1", .startTesting, actor: "crew", at: Base.t0)
        for port in 1...4 {
            let readings = port == 4 ? Self.failing : Self.passing
            _ = try await store.recordActivation(
                Self.key("SP-A", port), serial: nil, configuredRanges: [Self.city], at: Base.t0)
            try await store.recordLineResult(
                Self.key("SP-A", port), readings: readings, verdict: ThresholdProfile.build.evaluate(readings),
                at: Base.t0.addingTimeInterval(Double(port)))
        }
        _ = try await store.applyProjectEvent(
            "P1", .testsCompleted(passed: 3, failed: 0, untested: 0), actor: "engine", at: Base.t0)
        _ = try await store.applyProjectEvent("P1", .approve, actor: "admin", at: Base.t0.addingTimeInterval(60))
        return h
    }

    @Test(arguments: StoreKind.allCases)
    func enqueueWritesOneMessagePerPassedPortWithThePayload(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let added = try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0.addingTimeInterval(120))
        #expect(added == 3)
        let messages = try await h.store.outboxMessages(projectCode: "P1")
        #expect(messages.map(\.port) == [Self.key("SP-A", 1), Self.key("SP-A", 2), Self.key("SP-A", 3)])
        #expect(Set(messages.map(\.idempotencyKey)).count == 3)
        #expect(messages.allSatisfy { $0.attempts == 0 && !$0.isDelivered && $0.lastError == nil })
        #expect(messages.allSatisfy { $0.createdAt == Base.t0.addingTimeInterval(120) })
        #expect(messages.allSatisfy { $0.nextAttemptAt == Base.t0.addingTimeInterval(120) }, "due at once")
        #expect(messages[1].idempotencyKey.hasPrefix("P1/SP-A/2/"))
        let payload = try AcceptedPortPayload.decode(messages[1].payload)
        #expect(payload.idempotencyKey == messages[1].idempotencyKey)
        #expect(payload.project == "P1" && payload.projectName == "Garden Court")
        #expect(payload.oltIP == "10.0.0.1" && payload.pon == "0/1/0")
        #expect(payload.splitter == "SP-A" && payload.port == 2)
        #expect(payload.oltTxDBm == 3.5 && payload.oltRxDBm == -18)
        #expect(payload.onuTxDBm == 2.1 && payload.onuRxDBm == -17.2)
        #expect(payload.downstreamAttenuationDB == 20.7 && payload.upstreamAttenuationDB == 20.1)
        #expect(payload.lineVerdict == "pass" && payload.profile == "build")
        #expect(payload.testedAt == Base.t0.addingTimeInterval(2))
        #expect(payload.approvedAt == Base.t0.addingTimeInterval(60))
        #expect(try await h.store.portHistory(Self.key("SP-A", 2)).last?.event == "push_queued")
        #expect(try await h.store.pendingOutboxCount(projectCode: "P1") == 3)
        // The bytes are the payload's own JSON: the receiver sees the same body on every retry.
        #expect(messages[1].payload == (try payload.json()))
    }

    /// The key travels as an HTTP header, which carries ASCII only: a Chinese splitter name is
    /// percent-encoded in it (and stays as it is in the JSON body).
    @Test(arguments: StoreKind.allCases)
    func anIdempotencyKeyIsASCIIForAChineseSplitterName(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let name = "花园苑2期3号楼分光器"
        _ = try await h.store.importProjects(
            try ProjectImportPlan(
                csv: """
                    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
                    P9,花园苑,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,\(name),1:8,1
                    """, file: "p9.csv"), namingRule: .standard, source: "p9.csv", at: Base.t0, progress: nil)
        let port = PortKey(projectCode: "P9", splitter: name, port: 1)
        _ = try await h.store.recordActivation(port, serial: nil, configuredRanges: [Self.city], at: Base.t0)
        try await h.store.recordLineResult(
            port, readings: Self.passing, verdict: ThresholdProfile.build.evaluate(Self.passing), at: Base.t0)
        _ = try await h.store.applyProjectEvent("P9", .approve, actor: "admin", at: Base.t0)
        #expect(try await h.store.enqueueAcceptedPorts(projectCode: "P9", at: Base.t0) == 1)
        let message = try #require(try await h.store.outboxMessages(projectCode: "P9").first)
        #expect(message.idempotencyKey.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(message.idempotencyKey.hasPrefix("P9/%E8%8A%B1%E5%9B%AD%E8%8B%91"))
        #expect(message.idempotencyKey.removingPercentEncoding?.hasPrefix("P9/\(name)/1/") == true)
        #expect(try AcceptedPortPayload.decode(message.payload).splitter == name)
    }

    @Test(arguments: StoreKind.allCases)
    func enqueueingTheSameApprovalTwiceAddsNothing(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        #expect(try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0) == 3)
        #expect(try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0.addingTimeInterval(5)) == 0)
        #expect(try await h.store.outboxMessages(projectCode: "P1").count == 3)
        #expect(try await h.store.portHistory(Self.key("SP-A", 1)).filter { $0.event == "push_queued" }.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aProjectThatIsNotApprovedOrUnknownIsRefused(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        _ = try await h.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: Base.t0,
            progress: nil)
        await #expect {
            _ = try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0)
        } throws: { error in
            isConflict(error) && "\(error)".contains("P1") && "\(error)".contains("'entered'")
                && "\(error)".contains("approve it first")
        }
        _ = try await h.store.applyProjectEvent("P1", .startTesting, actor: "crew", at: Base.t0)
        await #expect {
            _ = try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0)
        } throws: { isConflict($0) && "\($0)".contains("'testing'") }
        #expect(try await h.store.outboxMessages(projectCode: "P1").isEmpty)
        #expect(try await h.store.pendingOutboxCount(projectCode: "P1") == 0)
        await #expect { _ = try await h.store.enqueueAcceptedPorts(projectCode: "P9", at: Base.t0) } throws: {
            isNotFound($0)
        }
        await #expect { _ = try await h.store.outboxMessages(projectCode: "P9") } throws: { isNotFound($0) }
        await #expect { _ = try await h.store.pendingOutboxCount(projectCode: "P9") } throws: { isNotFound($0) }
    }

    @Test(arguments: StoreKind.allCases)
    func dueMessagesComeMostOverdueFirstAndFailuresAreCounted(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let t0 = Base.t0
        #expect(try await h.store.nextOutboxAttempt() == nil)
        #expect(try await h.store.outboxBacklog() == 0)
        _ = try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: t0)
        #expect(try await h.store.outboxBacklog() == 3, "/metrics' backlog counts every undelivered message")
        var messages = try await h.store.outboxMessages(projectCode: "P1")
        #expect(try await h.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(-1)).isEmpty)
        #expect(try await h.store.dueOutboxMessages(limit: 2, now: t0).map(\.id) == [messages[0].id, messages[1].id])
        // The first fails twice and waits; the others are due before it.
        try await h.store.markOutboxFailed(
            messages[0].id, error: "HTTP 503", nextAttemptAt: t0.addingTimeInterval(10), at: t0)
        try await h.store.markOutboxFailed(
            messages[0].id, error: "no answer: connection refused", nextAttemptAt: t0.addingTimeInterval(30),
            at: t0.addingTimeInterval(10))
        #expect(
            try await h.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(29)).map(\.id) == [
                messages[1].id, messages[2].id,
            ])
        #expect(try await h.store.nextOutboxAttempt() == t0)
        try await h.store.markOutboxDelivered(messages[1].id, at: t0.addingTimeInterval(1))
        try await h.store.markOutboxDelivered(messages[2].id, at: t0.addingTimeInterval(1))
        #expect(try await h.store.nextOutboxAttempt() == t0.addingTimeInterval(30))
        #expect(
            try await h.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(30)).map(\.id) == [
                messages[0].id
            ])
        #expect(try await h.store.pendingOutboxCount(projectCode: "P1") == 1)
        #expect(try await h.store.outboxBacklog() == 1, "a failed message is still in the backlog")
        messages = try await h.store.outboxMessages(projectCode: "P1")
        #expect(messages[0].attempts == 2)
        #expect(messages[0].lastError == "no answer: connection refused")
        #expect(messages[0].lastAttemptAt == t0.addingTimeInterval(10))
        #expect(messages[1].isDelivered && messages[1].attempts == 0)
        #expect(messages[1].deliveredAt == t0.addingTimeInterval(1))
        #expect(messages[1].lastAttemptAt == t0.addingTimeInterval(1))
        await #expect {
            try await h.store.markOutboxFailed(999_999, error: "x", nextAttemptAt: t0, at: t0)
        } throws: { isNotFound($0) }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeliveredMessageStaysDelivered(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let t0 = Base.t0
        _ = try await h.store.enqueueAcceptedPorts(projectCode: "P1", at: t0)
        let id = try await h.store.outboxMessages(projectCode: "P1")[0].id
        try await h.store.markOutboxFailed(id, error: "HTTP 503", nextAttemptAt: t0, at: t0)
        try await h.store.markOutboxDelivered(id, at: t0.addingTimeInterval(1))
        try await h.store.markOutboxDelivered(id, at: t0.addingTimeInterval(2))
        await #expect {
            try await h.store.markOutboxFailed(id, error: "late", nextAttemptAt: t0, at: t0.addingTimeInterval(3))
        } throws: { error in
            isConflict(error) && "\(error)".contains("already acknowledged")
        }
        let message = try await h.store.outboxMessages(projectCode: "P1")[0]
        #expect(message.deliveredAt == t0.addingTimeInterval(1))
        #expect(message.attempts == 1 && message.lastError == "HTTP 503")
        #expect(
            try await h.store.dueOutboxMessages(limit: 10, now: t0.addingTimeInterval(100)).contains { $0.id == id }
                == false)
        let pushed = try await h.store.portHistory(Self.key("SP-A", 1)).filter { $0.event == "pushed" }
        #expect(pushed.count == 1)
        #expect(pushed.first?.detail.contains("after 2 attempt(s)") == true)
        await #expect { try await h.store.markOutboxDelivered(999_999, at: t0) } throws: { isNotFound($0) }
    }

    /// Two daemons enqueue the same approval at once: every port is queued once, and its
    /// history says so once.
    @Test(arguments: StoreKind.allCases)
    func anApprovalEnqueuedAtOnceQueuesEachPortOnce(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let store = h.store
        let outcomes = await concurrently(3) { _ in
            try await store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0)
        }
        #expect(try outcomes.map { try $0.get() }.reduce(0, +) == 3)
        #expect(try await store.outboxMessages(projectCode: "P1").count == 3)
        for port in 1...3 {
            let queued = try await store.portHistory(Self.key("SP-A", port)).filter { $0.event == "push_queued" }
            #expect(queued.count == 1)
        }
    }

    /// Two pushers report one acknowledgement at once (or a retry repeats a lost answer): it is
    /// recorded once, with one of their times, and the port's history says "pushed" once.
    @Test(arguments: StoreKind.allCases)
    func oneMessageMarkedDeliveredAtOnceIsRecordedOnce(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let store = h.store
        _ = try await store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0)
        let id = try await store.outboxMessages(projectCode: "P1")[0].id
        let times = (1...4).map { Base.t0.addingTimeInterval(Double($0)) }
        let outcomes = await concurrently(times.count) { index in
            try await store.markOutboxDelivered(id, at: times[index])
        }
        for outcome in outcomes { try outcome.get() }
        let message = try await store.outboxMessages(projectCode: "P1")[0]
        #expect(times.contains(try #require(message.deliveredAt)))
        #expect(try await store.portHistory(Self.key("SP-A", 1)).filter { $0.event == "pushed" }.count == 1)
        #expect(try await store.pendingOutboxCount(projectCode: "P1") == 2)
    }

    /// A pusher's timeout and another's acknowledgement of the same message at once: it ends
    /// delivered whichever came first; a failure after the acknowledgement is refused.
    @Test(arguments: StoreKind.allCases)
    func aFailureRacingAnAcknowledgementNeverUndoesIt(_ kind: StoreKind) async throws {
        let h = try await approved(kind)
        let store = h.store
        _ = try await store.enqueueAcceptedPorts(projectCode: "P1", at: Base.t0)
        let id = try await store.outboxMessages(projectCode: "P1")[0].id
        let later = Base.t0.addingTimeInterval(600)
        let outcomes = await concurrently(2) { index in
            if index == 0 {
                try await store.markOutboxDelivered(id, at: Base.t0.addingTimeInterval(1))
            } else {
                try await store.markOutboxFailed(id, error: "timed out", nextAttemptAt: later, at: Base.t0)
            }
        }
        try outcomes[0].get()
        let message = try await store.outboxMessages(projectCode: "P1")[0]
        #expect(message.deliveredAt == Base.t0.addingTimeInterval(1))
        switch outcomes[1] {
        case .success: #expect(message.attempts == 1, "the failure came first and was counted")
        case .failure(let error):
            #expect(isConflict(error), "\(error)")
            #expect(message.attempts == 0)
        }
        #expect(try await store.dueOutboxMessages(limit: 10, now: later).contains { $0.id == id } == false)
    }
}
