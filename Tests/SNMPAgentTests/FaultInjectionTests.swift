import SNMPAgent
import SNMPModel
import TestClocks
import Testing

/// The behaviours that make the agent look like a real, sometimes struggling OLT: latency,
/// silence and overload, checked with a manual clock wherever time matters.
@Suite("fault injection", .timeLimit(.minutes(1)))
struct FaultInjectionTests {
    /// One GET without retries; run outside the limit of concurrent tools, as the tests here
    /// need many managers at once.
    static func get(_ target: String, timeout: Int = 5) async throws -> ToolResult {
        try await NetSNMPTool.run(
            "snmpget", ["-v2c", "-c", "public", "-t", "\(timeout)", "-r", "0", target, "\(MIBFixture.sysName)"],
            unlimited: true)
    }

    @Test("20 managers wait out the response delay together, not one after another")
    func delayIsConcurrent() async throws {
        let clock = ManualClock()
        try await withAgent(.test(responseDelay: .milliseconds(200)), clock: clock) { agent, target in
            try await withThrowingTaskGroup(of: ToolResult.self) { group in
                // A long timeout costs nothing (the clock releases the answers) and leaves room
                // for 20 processes to start on a loaded machine.
                for _ in 0..<20 { group.addTask { try await Self.get(target, timeout: 30) } }
                // All 20 requests are held by the delay at the same time: none is answered yet,
                // and none is waiting for another to finish.
                await clock.waitForSleepers(20)
                #expect(agent.statistics.responses == 0)
                clock.advance(by: .milliseconds(199))
                #expect(clock.sleeperCount == 20)
                clock.advance(by: .milliseconds(1))
                var answered = 0
                for try await result in group {
                    #expect(result.status == 0, "\(result)")
                    answered += 1
                }
                #expect(answered == 20)
            }
            #expect(agent.statistics.responses == 20)
        }
    }

    @Test("a stopped agent is silent and answers again once resumed")
    func stopAndResume() async throws {
        try await withAgent { agent, target in
            agent.isAnswering = false
            let silent = try await Self.get(target, timeout: 1)
            #expect(silent.status != 0)
            #expect(silent.stderr.contains("Timeout: No Response"), "\(silent)")
            #expect(agent.statistics.droppedWhileNotAnswering == 1)

            agent.isAnswering = true
            let answered = try await Self.get(target)
            #expect(answered.status == 0, "\(answered)")
            #expect(try NetSNMPOutput.bindings(answered) == [VarBind(MIBFixture.sysName, .string("olt-1"))])
        }
    }

    @Test("stopping drops responses still held by the delay")
    func stopDuringDelay() async throws {
        let clock = ManualClock()
        try await withAgent(.test(responseDelay: .seconds(1)), clock: clock) { agent, target in
            async let silent = Self.get(target, timeout: 1)
            await clock.waitForSleepers(1)
            agent.isAnswering = false
            clock.advance(by: .seconds(1))
            let result = try await silent
            #expect(result.status != 0)
            #expect(agent.statistics.responses == 0)
            #expect(agent.statistics.droppedWhileNotAnswering == 1)
        }
    }

    @Test("requests beyond the rate limit are dropped until the bucket refills")
    func rateLimit() async throws {
        let clock = ManualClock()
        try await withAgent(.test(maxRequestsPerSecond: 3), clock: clock) { agent, target in
            // The clock stands still, so exactly the 3 tokens of the first second are available.
            let results = try await withThrowingTaskGroup(of: ToolResult.self) { group in
                // The dropped three wait out their timeout; the answered three need room to be
                // answered in time on a loaded machine.
                for _ in 0..<6 { group.addTask { try await Self.get(target, timeout: 3) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 0 }.count == 3)
            #expect(results.filter { $0.stderr.contains("Timeout: No Response") }.count == 3)
            #expect(agent.statistics.rateLimited == 3)
            #expect(agent.statistics.dropped == 3)

            clock.advance(by: .seconds(1))
            #expect(try await Self.get(target).status == 0)
        }
    }

    @Test("the rate limit and delay can change while the agent runs")
    func runtimeSettings() async throws {
        let clock = ManualClock()
        try await withAgent(clock: clock) { agent, target in
            agent.maxRequestsPerSecond = 1
            #expect(agent.maxRequestsPerSecond == 1)
            let first = try await Self.get(target)
            let second = try await Self.get(target, timeout: 1)
            #expect(first.status == 0)
            #expect(second.status != 0)
            agent.maxRequestsPerSecond = nil
            let third = try await Self.get(target)
            #expect(third.status == 0)

            agent.responseDelay = .milliseconds(500)
            async let delayed = Self.get(target)
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(500))
            let answer = try await delayed
            #expect(answer.status == 0)
            #expect(agent.statistics.rateLimited == 1)
        }
    }
}
