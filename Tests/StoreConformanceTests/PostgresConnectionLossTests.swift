import FTTHStoreKit
import Foundation
import Logging
import ProcessLab
import Synchronization
import Testing

@testable import FTTHPostgres

/// What the PostgreSQL store does when the server ends its connections (`pg_terminate_backend`,
/// a restart): a job lock's holder stops its job and another daemon takes it; a transaction cut
/// off before its commit is run again on a new connection.
@Suite("PostgreSQL connections lost")
struct PostgresConnectionLossTests {
    /// Which of two "daemons" runs the job now, and how often each started it.
    final class Jobs: Sendable {
        let state = Mutex<(running: Set<String>, starts: [String: Int])>(([], [:]))

        func body(_ name: String) -> @Sendable () async -> Void {
            { [self] in
                state.withLock { s in
                    s.running.insert(name)
                    s.starts[name, default: 0] += 1
                }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                state.withLock { _ = $0.running.remove(name) }
            }
        }
    }

    @Test func aTerminatedLockConnectionStopsTheJobAndTheOtherDaemonTakesIt() async throws {
        let server = try await LabPostgres.shared()
        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        func store() -> PostgresStore {
            PostgresStore(
                settings: PostgresStoreSettings(
                    host: "127.0.0.1", port: server.port, username: server.username, password: server.password,
                    database: database, maximumConnections: 1),
                key: StoreKey.random())
        }
        let (a, b) = (store(), store())
        let jobs = Jobs()
        let logger = Logger(label: "test")
        let lead = { (s: PostgresStore, name: String) in
            Task {
                await PostgresLeadership(store: s, job: "outbox", key: 0x7E57, interval: .milliseconds(200))
                    .whileLeading(logger: logger, jobs.body(name))
            }
        }
        let first = lead(a, "a")
        try await poll("a to lead", seconds: 10) { jobs.state.withLock { $0.running == ["a"] } }
        let second = lead(b, "b")
        defer {
            first.cancel()
            second.cancel()
        }
        // Every connection of the database, the lock's included, is terminated.
        try server.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()"
        )
        try await poll("the job to run again after the termination", seconds: 10) {
            jobs.state.withLock { $0.starts.values.reduce(0, +) >= 2 && $0.running.count == 1 }
        }
        // The terminated holder stopped: one daemon runs the job. (The two may overlap for the
        // instant between the server dropping the lock and the holder seeing its connection
        // close: docs/postgres.md.)
        try await poll("one daemon to run the job", seconds: 5) { jobs.state.withLock { $0.running.count == 1 } }
    }

    /// A transaction whose connection PostgreSQL terminates before the commit is run again on a
    /// new connection (nothing was committed): the run it belongs to does not fail for it.
    @Test func aTransactionWhoseConnectionIsTerminatedIsRunAgainOnANewOne() async throws {
        let server = try await LabPostgres.shared()
        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        let store = PostgresStore(
            settings: PostgresStoreSettings(
                host: "127.0.0.1", port: server.port, username: server.username, password: server.password,
                database: database, maximumConnections: 1),
            key: StoreKey.random())
        let pool = Task { await store.run() }
        defer { pool.cancel() }
        try await store.migrate()
        let attempts = Mutex(0)
        let value = try await store.write("testing a lost connection") { db in
            let attempt = attempts.withLock { count in
                count += 1
                return count
            }
            if attempt == 1 {
                // Mid-transaction, the server ends this very connection.
                let pid = try await db.value("SELECT pg_backend_pid()", as: Int32.self)!
                try server.psql("SELECT pg_terminate_backend(\(pid))")
            }
            return try await db.value("SELECT 41 + \(attempt)", as: Int.self)!
        }
        #expect(value == 43)
        #expect(attempts.withLock { $0 } == 2)
    }
}
