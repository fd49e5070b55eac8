import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// v6-service-tests on a store written by the version before it: tokens, projects and runs
/// stay, projects need no service test, and a probe token can be made.
@Suite struct ServiceTestMigrationTests {
    @Test func aStoreFromBeforeServiceTestsKeepsItsDataAndTakesProbeTokens() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftth-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteStore.migrator(key: .random()).migrate(old, upTo: "v4-outbox")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO api_tokens (name, role, secret_sha256, created_at) VALUES (?, 'admin', ?, ?);
                        INSERT INTO projects (code, name, acceptance_required, state, created_at)
                            VALUES ('P0', 'Old project', 1, 'entered', ?);
                        """,
                    arguments: ["old-admin", String(repeating: "a", count: 64), t0, t0])
            }
            #expect(try await old.read { try $0.tableExists("service_tests") } == false)
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.tokens().map(\.name) == ["old-admin"])
        let probe = try await store.createToken(name: "probe-1", role: .probe, at: t0)
        #expect(try await store.token(secret: probe.secret)?.role == .probe)
        let project = try #require(try await store.projects().first)
        #expect(project.project.code == "P0")
        #expect(!project.project.serviceTest)
    }
}
