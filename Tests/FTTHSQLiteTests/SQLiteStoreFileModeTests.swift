import FTTHCore
import FTTHSQLite
import Foundation
import Testing

/// Only the store's owner may read it, whatever the umask (issue 12, defect 8).
@Suite struct SQLiteStoreFileModeTests {
    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aNewStoreIsReadableByItsOwnerOnly() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-mode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // The umask a shell usually has, which left the store world-readable.
        let previous = umask(0o022)
        defer { umask(previous) }
        let directory = root.appendingPathComponent("state")
        let path = directory.appendingPathComponent("store.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.importProjects(try samplePlan(), namingRule: .standard, source: "t", at: t0, progress: nil)
        #expect(try mode(directory.path) == 0o700)
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
    }

    @Test func aStoreLeftReadableByAnOlderVersionIsNarrowed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        _ = try SQLiteStore(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        _ = try SQLiteStore(path: path)
        #expect(try mode(path) == 0o600)
    }
}
