import FTTHProbe
import Foundation
import Testing

@Suite struct ResultSpoolTests {
    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
    }

    @Test func aResultIsKeptUntilAcknowledgedAndSurvivesANewSpool() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = try ResultSpool(directory: dir)
        try spool.store(key: "run-7-a1", path: "/v1/service-tests/7/result", body: Data("{\"a\":1}".utf8))
        // A probe restarted after a reboot finds it again.
        let again = try ResultSpool(directory: dir)
        let pending = try again.pending()
        #expect(pending.map(\.key) == ["run-7-a1"])
        #expect(pending.first?.path == "/v1/service-tests/7/result")
        #expect(pending.first?.body == Data("{\"a\":1}".utf8))
        try again.acknowledged(key: "run-7-a1")
        #expect(try again.pending().isEmpty)
        // Acknowledging twice is harmless.
        try again.acknowledged(key: "run-7-a1")
    }

    @Test func theSameKeyKeepsTheFirstBodyAsTheDaemonWould() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = try ResultSpool(directory: dir)
        try spool.store(key: "k", path: "/p", body: Data("first".utf8))
        try spool.store(key: "k", path: "/p", body: Data("second".utf8))
        #expect(try spool.pending().map(\.body) == [Data("first".utf8)])
    }

    @Test func pendingResultsComeOldestFirstAndTemporaryFilesAreIgnored() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = try ResultSpool(directory: dir)
        try spool.store(key: "b", path: "/p", body: Data(), at: Date(timeIntervalSince1970: 200))
        try spool.store(key: "a", path: "/p", body: Data(), at: Date(timeIntervalSince1970: 300))
        try spool.store(key: "c", path: "/p", body: Data(), at: Date(timeIntervalSince1970: 100))
        // A crash between write and rename leaves a temporary file: not a result.
        try Data("half".utf8).write(to: dir.appendingPathComponent(".d.123.tmp"))
        #expect(try spool.pending().map(\.key) == ["c", "b", "a"])
    }

    @Test func aKeyThatCannotNameAFileIsRefused() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = try ResultSpool(directory: dir)
        for key in ["../etc/passwd", "", ".hidden", "a/b"] {
            #expect(throws: ResultSpool.SpoolError.self) { try spool.store(key: key, path: "/p", body: Data()) }
        }
    }

    @Test func aCorruptSpooledResultIsNamedNotSkipped() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spool = try ResultSpool(directory: dir)
        try Data("not json".utf8).write(to: dir.appendingPathComponent("x.result"))
        #expect {
            try spool.pending()
        } throws: { error in "\(error)".contains("x.result") }
    }
}
