import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// PPPoE test accounts' passwords are encrypted at rest with the store's key (issue 12, defect 8).
@Suite struct TestAccountEncryptionTests {
    static let accounts = "username,password\nu1,Pa55-word-u1\nu2,Pa55-word-u2\n"

    func storedPasswords(_ path: String) throws -> [String: String] {
        try DatabaseQueue(path: path).read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT username, password FROM test_accounts").map {
                    ($0["username"] as String, $0["password"] as String)
                })
        }
    }

    @Test func importedPasswordsAreSealedAndOpenOnlyWithTheKeyForTheirAccount() async throws {
        let fixture = try TemporaryStore()
        _ = try await fixture.store.importTestAccounts(
            try TestAccountImport(csv: Self.accounts, file: "a.csv"), source: "a.csv", at: t0)
        let stored = try storedPasswords(fixture.path)
        #expect(stored.count == 2)
        for (username, sealed) in stored {
            #expect(sealed.hasPrefix("aes-gcm.v1:"), "\(sealed)")
            #expect(!sealed.contains("Pa55"))
            #expect(fixture.store.key.unseal(sealed, context: username) == "Pa55-word-\(username)")
        }
        // Bound to its account, and to the key: moved to another row or read with another key, nothing.
        #expect(fixture.store.key.unseal(stored["u1"]!, context: "u2") == nil)
        #expect(StoreKey.random().unseal(stored["u1"]!, context: "u1") == nil)
        // The key was made beside the store, readable by its owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.path + ".key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func theMigrationSealsThePasswordsAStoreKeptInPlainText() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let key = StoreKey.random()
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteStore.migrator(key: key).migrate(old, upTo: "v6-service-tests")
            try await old.write { db in
                try db.execute(
                    sql: "INSERT INTO test_accounts (username, password, created_at) VALUES ('old', 'plain-secret', ?)",
                    arguments: [t0])
            }
        }
        let store = try SQLiteStore(path: path, key: key)
        let sealed = try #require(try storedPasswords(path)["old"])
        #expect(!sealed.contains("plain-secret"))
        #expect(store.key.unseal(sealed, context: "old") == "plain-secret")
    }

    @Test func theKeyComesFromSystemdsCredentialThenTheConfigurationThenBesideTheStore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let credentials = directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        let credential = try file("credentials/ftth-store-key", String(repeating: "ab", count: 32) + "\n")
        let configured = try file("configured.key", Data(repeating: 7, count: 32).base64EncodedString())
        let store = directory.appendingPathComponent("store.sqlite").path

        let fromCredential = try StoreKey.resolve(
            keyFile: configured, environment: ["CREDENTIALS_DIRECTORY": credentials.path], storePath: store)
        #expect(fromCredential.bytes == [UInt8](repeating: 0xAB, count: 32))
        try FileManager.default.removeItem(atPath: credential)
        let fromConfiguration = try StoreKey.resolve(
            keyFile: configured, environment: ["CREDENTIALS_DIRECTORY": credentials.path], storePath: store)
        #expect(fromConfiguration.bytes == [UInt8](repeating: 7, count: 32))
        let beside = try StoreKey.resolve(keyFile: nil, environment: [:], storePath: store)
        #expect(try StoreKey.resolve(keyFile: nil, environment: [:], storePath: store).bytes == beside.bytes)

        let short = try file("short.key", "c2hvcnQ=")
        #expect {
            _ = try StoreKey(contentsOfFile: short)
        } throws: { error in
            "\(error)".contains("does not hold a 32-byte key") && "\(error)".contains(short)
        }
    }
}
