import Foundation
import Testing

@testable import ProcessLab

/// The tests' own PostgreSQL servers are not left running by a test process that was killed.
@Suite("LabPostgres")
struct LabPostgresTests {
    @Test func aServerWhoseTestProcessDiedIsStoppedAndRemovedByTheNextOne() throws {
        let server = try LabPostgres()
        try server.start()
        defer { server.destroy() }
        let parent = URL(fileURLWithPath: server.directory).deletingLastPathComponent()
        #expect(try server.psql("SELECT 1") == "1")

        // Its owner, this process, runs: the server is left alone.
        LabPostgres.removeOrphans(in: parent, binaries: server.binaries, runAs: server.runAs)
        #expect(FileManager.default.fileExists(atPath: server.directory))
        #expect(try server.psql("SELECT 1") == "1")

        // Its owner is gone (pid_max is never a process's id), as after a SIGKILL: stopped, removed.
        let pidMax = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(pidMax) 0".write(toFile: server.directory + "/owner", atomically: true, encoding: .utf8)
        LabPostgres.removeOrphans(in: parent, binaries: server.binaries, runAs: server.runAs)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        #expect(throws: LabError.self) { try server.psql("SELECT 1") }
    }

    @Test func aProcessIsKnownByItsIdAndStartTime() throws {
        let mark = try #require(LabPostgres.processMark(getpid()))
        #expect(mark.hasPrefix("\(getpid()) "))
        #expect(LabPostgres.processMark(getpid()) == mark)
        #expect(LabPostgres.processMark(Int32.max) == nil)
    }
}
