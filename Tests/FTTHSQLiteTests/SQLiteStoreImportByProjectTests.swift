import FTTHCore
import FTTHSQLite
import Foundation
import Testing

/// Issue 12, defect 3: a large import writes one project per transaction, so other requests are
/// served while it runs; a project is stored whole or not at all; a PON port's limits count
/// what it already carries.
@Suite struct SQLiteStoreImportByProjectTests {
    static let header =
        "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports\n"

    static func row(
        _ project: String, _ splitter: String, olt: String = "10.0.0.1", oltName: String = "HW-1",
        pon: String = "0/1/0", ratio: String = "1:8", ports: Int = 8
    ) -> String {
        "\(project),Name \(project),\(oltName),\(olt),huawei-ma5800,\(pon),1001,\(splitter),\(ratio),\(ports)\n"
    }

    static func plan(_ rows: String...) throws -> ProjectImportPlan {
        try ProjectImportPlan(csv: header + rows.joined(), file: "f.csv")
    }

    @Test func otherRequestsAreServedWhileAnImportIsBetweenTwoProjects() async throws {
        let t = try TemporaryStore()
        let store = t.store
        let plan = try Self.plan(
            Self.row("A", "S1"), Self.row("B", "S1", pon: "0/1/1"), Self.row("C", "S1", pon: "0/1/2"))
        let (reached, reachedNext) = AsyncStream.makeStream(of: ImportProgress.self)
        let (release, releaseNext) = AsyncStream.makeStream(of: Void.self)
        let importing = Task {
            try await store.importProjectsByProject(
                plan, namingRule: .standard, source: "f.csv", at: t0, policy: ActivationPolicy(), batchPorts: 0,
                afterEach: { progress in
                    reachedNext.yield(progress)
                    if progress.projects == 1 {
                        for await _ in release { break }
                    }
                })
        }
        var progress = reached.makeAsyncIterator()
        let first = try #require(await progress.next())
        #expect(first.lastProject == "A")
        #expect(first.projects == 1 && first.totalProjects == 3)
        #expect(first.ports == 8 && first.totalPorts == 24)

        // The import holds no transaction now: a write and a read are served at once.
        let renamed = try await store.updateProject(
            "A", name: "Renamed", acceptanceRequired: nil, actor: "admin", at: t0)
        #expect(renamed.project.name == "Renamed")
        #expect(try await store.projects(after: nil, limit: 10).map(\.project.code) == ["A"])

        releaseNext.yield()
        let summary = try await importing.value
        #expect(summary.projects == 3)
        #expect(summary.ports == 24)
        #expect(try await store.projects().map(\.project.code) == ["A", "B", "C"])
        reachedNext.finish()
    }

    @Test func aProjectThatConflictsWhileWritingIsRolledBackAndTheOnesBeforeItStayWhole() async throws {
        let t = try TemporaryStore()
        // OLT 10.0.0.9 is stored as 'HW-9'; the file calls it 'OTHER' on project P2's row.
        _ = try await t.store.importProjects(
            try Self.plan(Self.row("X", "S1", olt: "10.0.0.9", oltName: "HW-9")), namingRule: .standard,
            source: "x.csv", at: t0, progress: nil)
        let plan = try Self.plan(
            Self.row("P1", "S1"), Self.row("P2", "S1", pon: "0/1/1"),
            Self.row("P2", "S2", olt: "10.0.0.9", oltName: "OTHER"), Self.row("P3", "S1", pon: "0/1/2"))
        let error = await #expect(throws: PartialImportError.self) {
            try await t.store.importProjectsByProject(
                plan, namingRule: .standard, source: "f.csv", at: t0, policy: ActivationPolicy(), batchPorts: 0)
        }
        #expect(error?.imported == ["P1"])
        #expect(error?.failedProject == "P2")
        #expect(error?.notImported == 2)
        #expect(error?.summary.contains("P2 and the 1 after it were not") == true)
        #expect(try await t.store.projects().map(\.project.code) == ["P1", "X"])
        #expect(try await t.store.project("P1")?.ports == 8)
        #expect(try await t.store.project("P2") == nil)
    }

    @Test func smallProjectsShareATransactionUpToTheBatchSizeAndEachProjectStaysWhole() throws {
        let plan = try Self.plan(
            Self.row("A", "S1"), Self.row("B", "S1", pon: "0/1/1"), Self.row("B", "S2", pon: "0/1/1"),
            Self.row("C", "S1", pon: "0/1/2"), Self.row("D", "S1", olt: "10.0.0.2", oltName: "HW-2"))
        let batches = plan.batches(maxPorts: 16)
        #expect(batches.map { $0.projects.map(\.value.code) } == [["A"], ["B"], ["C", "D"]])
        #expect(batches.map(\.portCount) == [8, 16, 16])
        #expect(batches[2].olts.map(\.value.name) == ["HW-1", "HW-2"])
        #expect(batches[1].ponPorts.map(\.value.address.description) == ["0/1/1"])
        #expect(plan.batches(maxPorts: 0).count == 4)
    }

    @Test func aProjectAlreadyStoredRefusesTheFileBeforeAnythingIsWritten() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try Self.plan(Self.row("P2", "S1")), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        let plan = try Self.plan(Self.row("P1", "S1", pon: "0/1/1"), Self.row("P2", "S1", pon: "0/1/2"))
        await #expect(throws: StoreError.self) {
            try await t.store.importProjectsByProject(
                plan, namingRule: .standard, source: "b.csv", at: t0, policy: ActivationPolicy())
        }
        #expect(try await t.store.projects().map(\.project.code) == ["P2"])
    }

    @Test func aPONPortsLimitsCountWhatItAlreadyCarries() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try Self.plan(Self.row("P1", "S1", ratio: "1:128", ports: 100)), namingRule: .standard, source: "a.csv",
            at: t0, progress: nil)
        let second = try Self.plan(Self.row("P2", "S1", ratio: "1:32", ports: 32))
        do {
            _ = try await t.store.importProjects(second, namingRule: .standard, source: "b.csv", at: t0, progress: nil)
            Issue.record("132 ports on one PON port were accepted")
        } catch StoreError.conflict(let location, let message) {
            #expect(location?.line == 2)
            #expect(location?.column == "pon")
            #expect(message.contains("132 splitter ports"))
            #expect(message.contains("import.max_ports_per_pon"))
            #expect(message.contains("1 splitter(s) with 100 port(s) are stored on it already"))
        }
        #expect(try await t.store.project("P2") == nil)
    }

    @Test func projectsArePagedInCodeOrder() async throws {
        let t = try TemporaryStore()
        let rows = ["E", "B", "D", "A", "C"].enumerated().map { Self.row($1, "S1", pon: "0/1/\($0)") }
        _ = try await t.store.importProjects(
            try ProjectImportPlan(csv: Self.header + rows.joined(), file: "f.csv"), namingRule: .standard,
            source: "f.csv", at: t0, progress: nil)
        #expect(try await t.store.projects(after: nil, limit: 2).map(\.project.code) == ["A", "B"])
        #expect(try await t.store.projects(after: "B", limit: 2).map(\.project.code) == ["C", "D"])
        #expect(try await t.store.projects(after: "D", limit: 2).map(\.project.code) == ["E"])
        #expect(try await t.store.projects(after: "E", limit: 2).isEmpty)
        let page = try await t.store.projects(after: "A", limit: 1)
        #expect(page.first?.ports == 8 && page.first?.splitters == 1)
        #expect(try await t.store.project("C")?.project.name == "Name C")
    }
}
