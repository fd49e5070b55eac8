import CLIModel
import Synchronization
import Testing

@testable import FTTHCLI

/// The pool over real Telnet sessions (connections counted on the in-test server) and over
/// stub sessions where only the pool's bookkeeping is under test.
struct CLIConnectionPoolTests {
    static func target(port: Int, maxSessions: Int, loginTimeout: Duration = .seconds(30)) -> CLITarget {
        CLITarget(
            host: "127.0.0.1", port: port, transport: .telnet, username: "admin", password: "secret",
            loginTimeout: loginTimeout, commandTimeout: .seconds(30), maxSessions: maxSessions)
    }

    @Test func capOfOneRunsBodiesOneAfterTheOtherOnOneSession() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let pool = CLIConnectionPool(target: Self.target(port: server.port, maxSessions: 1), style: .huawei)
        let overlap = Overlap()
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withSession { session in
                        overlap.enter()
                        defer { overlap.leave() }
                        return try await session.run("display version", timeout: .seconds(30)).text
                    }
                }
            }
            for try await text in group {
                #expect(text.contains("VERSION"))
            }
        }
        #expect(overlap.most == 1)
        #expect(server.connections == 1)
        #expect(await pool.openSessions == 1)
        await pool.shutdown()
        #expect(await pool.openSessions == 0)
    }

    @Test func sessionWhoseBodyThrewACLIErrorIsNotReused() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let pool = CLIConnectionPool(target: Self.target(port: server.port, maxSessions: 1), style: .huawei)
        let error = await #expect(throws: CLIError.self) {
            try await pool.withSession { try await $0.run("drop", timeout: .seconds(30)) }
        }
        #expect(error?.code == .disconnected)
        let output = try await pool.withSession { try await $0.run("display version", timeout: .seconds(30)) }
        #expect(output.prompt == "MA5600T>")
        #expect(server.connections == 2)
        await pool.shutdown()
    }

    @Test func sessionWhoseBodyThrewAnotherErrorIsReused() async throws {
        let opened = Mutex<[StubSession]>([])
        let pool = CLIConnectionPool(target: Self.target(port: 1, maxSessions: 2)) {
            let session = StubSession()
            opened.withLock { $0.append(session) }
            return session
        }
        await #expect(throws: NotACLIError.self) {
            try await pool.withSession { _ in throw NotACLIError() }
        }
        try await pool.withSession { _ in }
        let sessions = opened.withLock { $0 }
        #expect(sessions.count == 1)
        await pool.shutdown()
        #expect(await sessions[0].isClosed)
    }

    @Test func waitingBeyondTheLoginTimeoutIsSessionLimit() async throws {
        let pool = CLIConnectionPool(target: Self.target(port: 1, maxSessions: 1, loginTimeout: .milliseconds(200))) {
            StubSession()
        }
        let (holding, holdingSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        async let holder: Void = pool.withSession { _ in
            holdingSignal.yield()
            for await _ in release { break }
        }
        for await _ in holding { break }
        // The only session is held until this caller gave up: it must not wait for ever.
        let error = await #expect(throws: CLIError.self) { try await pool.withSession { _ in } }
        #expect(error?.code == .sessionLimit)
        #expect(error?.message.contains("max_sessions") == true)
        releaseSignal.yield()
        try await holder
        #expect(await pool.openSessions == 1)
    }

    @Test func waitersAreServedFirstComeFirstServed() async throws {
        let pool = CLIConnectionPool(target: Self.target(port: 1, maxSessions: 1)) { StubSession() }
        let order = Log()
        let (holding, holdingSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        async let holder: Void = pool.withSession { _ in
            holdingSignal.yield()
            for await _ in release { break }
        }
        for await _ in holding { break }
        async let first: Void = pool.withSession { _ in order.append(1) }
        // Let the first waiter queue up before the second: wait until the pool holds it.
        while await pool.waitingCallers < 1 { await Task.yield() }
        async let second: Void = pool.withSession { _ in order.append(2) }
        while await pool.waitingCallers < 2 { await Task.yield() }
        releaseSignal.yield()
        _ = try await (holder, first, second)
        #expect(order.entries == [1, 2])
    }

    @Test func failedOpenGivesTheSlotBack() async throws {
        let attempts = Mutex(0)
        let pool = CLIConnectionPool(target: Self.target(port: 1, maxSessions: 1)) {
            let attempt = attempts.withLock {
                $0 += 1
                return $0
            }
            if attempt == 1 {
                throw CLIError(.connectFailed, target: "telnet 127.0.0.1:1", message: "refused")
            }
            return StubSession()
        }
        await #expect(throws: CLIError.self) { try await pool.withSession { _ in } }
        try await pool.withSession { _ in }
        #expect(await pool.openSessions == 1)
    }
}

/// Counts bodies running at once, and the most seen.
final class Overlap: Sendable {
    private let state = Mutex((now: 0, most: 0))
    func enter() {
        state.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
    }
    func leave() { state.withLock { $0.now -= 1 } }
    var most: Int { state.withLock { $0.most } }
}

/// The order in which bodies ran.
final class Log: Sendable {
    private let values = Mutex<[Int]>([])
    func append(_ value: Int) { values.withLock { $0.append(value) } }
    var entries: [Int] { values.withLock { $0 } }
}

struct NotACLIError: Error {}

/// A session that answers every command with an empty output.
actor StubSession: CLISession {
    nonisolated let target = "telnet 127.0.0.1:1"
    private(set) var isClosed = false

    func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
        CLIOutput(text: "", prompt: "MA5600T>")
    }

    func close() async {
        isClosed = true
    }
}
