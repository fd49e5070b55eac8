import FTTHCore
import FTTHPostgres
import FTTHSQLite
import Foundation
import ProcessLab
import Testing

/// The stores every contract test runs against. A new store (PostgreSQL) adds its case here
/// and passes the same tests; nothing below may depend on how a store keeps its data.
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    /// A database of its own on the test process's PostgreSQL server (``LabPostgres``).
    case postgres

    var description: String { rawValue }

    /// A new, empty store of this kind, removed when `Handle` goes away.
    func make() async throws -> Handle {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ftth-conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
            return Handle(store: store) { try? FileManager.default.removeItem(at: directory) }
        case .postgres:
            let server = try await LabPostgres.shared()
            let database = try server.createDatabase()
            let store = PostgresStore(
                settings: PostgresStoreSettings(
                    host: "127.0.0.1", port: server.port, username: server.username, password: server.password,
                    database: database, maximumConnections: 4),
                key: StoreKey.random())
            let running = Task { await store.run() }
            do {
                try await store.migrate()
            } catch {
                running.cancel()
                throw error
            }
            return Handle(store: store) {
                running.cancel()
                try? server.dropDatabase(database)
            }
        }
    }

    final class Handle {
        let store: any ConformingStore
        let cleanup: () -> Void

        init(store: any ConformingStore, cleanup: @escaping () -> Void) {
            self.store = store
            self.cleanup = cleanup
        }

        deinit { cleanup() }
    }
}

/// Every store protocol a store of the daemon implements, and so every one the suites check.
typealias ConformingStore = AcceptanceStore & TestRunStore & ThresholdStore & ServiceTestStore & EvidenceStore
    & DiagnosisStore & RunLeaseStore & PermitStore & TokenStore & WebAccountStore & OutboxStore

/// Runs `body` `count` times at once and gives each call's outcome, in call order: how the
/// concurrency tests let several daemons (or requests) race on one store.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async -> [Result<
    T, any Error
>] {
    await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
        for index in 0..<count {
            group.addTask {
                do { return (index, .success(try await body(index))) } catch { return (index, .failure(error)) }
            }
        }
        var outcomes: [(Int, Result<T, any Error>)] = []
        for await outcome in group { outcomes.append(outcome) }
        return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Whether `error` is a store's ``StoreError/conflict(location:message:)``.
func isConflict(_ error: any Error) -> Bool {
    guard let error = error as? StoreError, case .conflict = error else { return false }
    return true
}

/// Whether `error` is a store's ``StoreError/notFound(_:)``.
func isNotFound(_ error: any Error) -> Bool {
    guard let error = error as? StoreError, case .notFound = error else { return false }
    return true
}

/// The contract of a store (`AcceptanceStore`, `TestRunStore`, `ThresholdStore`): what the
/// engine, the API and the workflow rules rely on, whichever store keeps the data.
@Suite("Store conformance")
struct StoreConformanceTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,2
        """
    static let range = CVLANRange(name: "test", first: VLANID(3000)!, last: VLANID(3001)!)
    static let p1 = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
    static let p2 = PortKey(projectCode: "P1", splitter: "SP-A", port: 2)
    static let good = OpticalReadings(
        oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-17.2)))
    static let weak = OpticalReadings(
        oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-21.4)))

    func imported(_ kind: StoreKind) async throws -> StoreKind.Handle {
        let handle = try await kind.make()
        _ = try await handle.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: Self.t0,
            progress: nil)
        return handle
    }

    /// Begins a run of `port` with `serial` and takes it to reading with ONU `onu`.
    func runToReading(_ store: any TestRunStore, _ port: PortKey, serial: String, onu: Int) async throws -> TestRun {
        let run = try await store.beginTestRun(
            port, serial: ONUSerial(serial), profile: .build, configuredRanges: [Self.range], at: Self.t0)
        _ = try await store.advanceTestRun(
            run.id, to: .awaitingOnline, onuID: onu, attempt: 0, outcome: nil, at: Self.t0)
        return try await store.advanceTestRun(run.id, to: .reading, onuID: onu, attempt: 0, outcome: nil, at: Self.t0)
    }

    @discardableResult
    func finish(_ store: any TestRunStore, _ run: TestRun, _ readings: OpticalReadings) async throws -> TestRun {
        let verdict = ThresholdProfile.build.evaluate(readings)
        return try await store.finishTestRun(
            run.id, readings: readings, verdict: verdict, outcome: verdict.summary, at: Self.t0)
    }

    /// Who started a run is kept with it, on the port's history and with the result it measured:
    /// the report's "tested by" and the review's history read it.
    @Test(arguments: StoreKind.allCases)
    func whoStartedARunIsKeptWithItItsHistoryAndItsResult(_ kind: StoreKind) async throws {
        let h = try await imported(kind)
        let run = try await h.store.beginTestRun(
            Self.p1, serial: ONUSerial("HWTC7E570001"), profile: .build, configuredRanges: [Self.range], by: "wang",
            at: Self.t0)
        #expect(run.startedBy == "wang")
        #expect(try await h.store.testRun(id: run.id)?.startedBy == "wang")
        let started = try await h.store.portHistory(Self.p1).last { $0.event == "test_started" }
        #expect(started?.actor == "wang")
        _ = try await h.store.advanceTestRun(
            run.id, to: .awaitingOnline, onuID: 1, attempt: 0, outcome: nil, at: Self.t0)
        let reading = try await h.store.advanceTestRun(
            run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: Self.t0)
        try await finish(h.store, reading, Self.good)
        #expect(try await h.store.lineResults(Self.p1).last?.testedBy == "wang")
        #expect(try await h.store.lineResult(runID: run.id)?.testedBy == "wang")
        // A run nobody is named for (a tool, a test) keeps nil, never a made-up name.
        let anonymous = try await h.store.beginTestRun(
            Self.p2, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        #expect(anonymous.startedBy == nil)
        #expect(try await h.store.portHistory(Self.p2).last { $0.event == "test_started" }?.actor == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aRunHasOneResultItsOwnRecordedWithItsEnd(_ kind: StoreKind) async throws {
        let h = try await imported(kind)
        let run = try await runToReading(h.store, Self.p1, serial: "HWTC7E570001", onu: 1)
        let ended = try await finish(h.store, run, Self.good)
        #expect(ended.step == .finished)
        #expect(ended.outcome == "line pass (build)")
        // A second result for the same run is refused and changes nothing.
        await #expect(throws: StoreError.self) { try await finish(h.store, run, Self.weak) }
        let results = try await h.store.lineResults(Self.p1)
        #expect(results.count == 1)
        #expect(results.first?.runID == run.id)
        #expect(try await h.store.lineResult(runID: run.id)?.verdict.verdict == .pass)
        #expect(try await h.store.lineResult(runID: run.id)?.verdict.limits == .build)
        // A run that is not reading has no result to record.
        let other = try await h.store.beginTestRun(
            Self.p2, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        await #expect(throws: StoreError.self) { try await finish(h.store, other, Self.good) }
        #expect(try await h.store.lineResults(Self.p2).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func everyRunsTestONUIsAccountedForUntilItLeavesTheOLT(_ kind: StoreKind) async throws {
        let h = try await imported(kind)
        let first = try await runToReading(h.store, Self.p1, serial: "HWTCDEAD0001", onu: 1)
        try await finish(h.store, first, Self.weak)
        let second = try await runToReading(h.store, Self.p1, serial: "HWTC7E570001", onu: 2)
        try await finish(h.store, second, Self.good)
        var runs = try await h.store.testRuns(Self.p1)
        #expect(runs.map(\.serial) == [ONUSerial("HWTCDEAD0001"), ONUSerial("HWTC7E570001")])
        #expect(runs.map(\.holdsTestONU) == [true, true])
        #expect(runs.map(\.limits) == [.build, .build])

        try await h.store.recordTestONUsRemoved(runIDs: [first.id], detail: "another serial", at: Self.t0)
        runs = try await h.store.testRuns(Self.p1)
        #expect(runs.map(\.holdsTestONU) == [false, true])
        // Deactivation: no run holds a test ONU any more, and the CVLAN is free.
        try await h.store.recordDeactivation(Self.p1, at: Self.t0)
        runs = try await h.store.testRuns(Self.p1)
        #expect(runs.allSatisfy { !$0.holdsTestONU && $0.onuRemovedAt != nil })
        let row = try #require(try await h.store.activationList(projectCode: "P1").first { $0.key == Self.p1 })
        #expect(row.workflow.activation == .deactivated)
        #expect(row.cvlan == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedProvisioningGivesItsCVLANBackAndAnEndedRunDoesNotMove(_ kind: StoreKind) async throws {
        let h = try await imported(kind)
        let run = try await h.store.beginTestRun(
            Self.p1, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        #expect(run.cvlan == VLANID(3000))
        let failed = try await h.store.advanceTestRun(
            run.id, to: .failed, onuID: nil, attempt: 0, outcome: "the OLT refused", at: Self.t0)
        #expect(failed.port.workflow.activation == .activationFailed)
        #expect(failed.port.cvlan == nil)
        await #expect(throws: StoreError.self) {
            _ = try await h.store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: Self.t0)
        }
        // One active run per port; the CVLAN range of two is shared by the two ports.
        let a = try await h.store.beginTestRun(
            Self.p1, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        await #expect(throws: StoreError.self) {
            _ = try await h.store.beginTestRun(
                Self.p1, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        }
        let b = try await h.store.beginTestRun(
            Self.p2, serial: nil, profile: .build, configuredRanges: [Self.range], at: Self.t0)
        #expect(Set([a.cvlan, b.cvlan]) == [VLANID(3000)!, VLANID(3001)!])
    }

    /// Crews start the tests of a whole project at once (engine-bench POSTs 200): every start
    /// gets its run and a CVLAN of its own. On PostgreSQL each start reads the CVLANs in use on
    /// the OLT and the project's ports, so starts at the same moment fail to serialize and run
    /// again one after the other; none may give up while the others commit.
    @Test(arguments: StoreKind.allCases)
    func aBurstOfStartsOnOneProjectEachGetsItsRun(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let header = String(Self.csv.prefix { $0 != "\n" })
        let rows = (1...12).map { "P9,Burst,HW-9,10.0.9.1,huawei-ma5800,0/1/0,1009,SP-\($0),1:8,8" }
        _ = try await h.store.importProjects(
            try ProjectImportPlan(csv: ([header] + rows).joined(separator: "\n"), file: "p9.csv"),
            namingRule: .standard, source: "p9.csv", at: Self.t0, progress: nil)
        let range = CVLANRange(name: "burst", first: VLANID(3000)!, last: VLANID(3199)!)
        let store = h.store
        let outcomes = await concurrently(96) { index in
            try await store.beginTestRun(
                PortKey(projectCode: "P9", splitter: "SP-\(index / 8 + 1)", port: index % 8 + 1), serial: nil,
                profile: .build, configuredRanges: [range], at: Self.t0)
        }
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { return "\(error)" } else { return nil }
        }
        #expect(failures.isEmpty, "\(failures.count) of 96 starts failed, the first: \(failures.first ?? "")")
        let runs = outcomes.compactMap { try? $0.get() }
        #expect(Set(runs.map(\.cvlan)).count == runs.count)
    }

    @Test(arguments: StoreKind.allCases)
    func theProjectFollowsItsPortsAndApprovalWaitsForARunningTest(_ kind: StoreKind) async throws {
        let h = try await imported(kind)
        func state() async throws -> ProjectState? {
            let projects = try await h.store.projects()
            return projects.first { $0.project.code == "P1" }?.project.state
        }
        let r1 = try await runToReading(h.store, Self.p1, serial: "HWTC7E570001", onu: 1)
        #expect(try await state() == .testing)
        try await finish(h.store, r1, Self.good)
        let r2 = try await runToReading(h.store, Self.p2, serial: "HWTC7E570002", onu: 2)
        try await finish(h.store, r2, Self.good)
        #expect(try await state() == .awaitingReview)
        // A re-test during review holds the approval; its failure sends the project to rework.
        let again = try await runToReading(h.store, Self.p2, serial: "HWTC7E570002", onu: 2)
        await #expect(throws: StoreError.self) {
            _ = try await h.store.applyProjectEvent("P1", .approve, actor: "admin", at: Self.t0)
        }
        try await finish(h.store, again, Self.weak)
        #expect(try await state() == .rework)
        await #expect(throws: StoreError.self) { try await h.store.withdrawProject("P1", actor: "admin", at: Self.t0) }
    }

    @Test(arguments: StoreKind.allCases)
    func theThresholdsInForceAreSeededFromTheFileAndKeepAnAdministratorsChange(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        var file = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })
        // First start: seeded, audited by `config`.
        let seeded = try await h.store.applyConfiguredThresholds(file, at: Self.t0)
        #expect(!seeded.isEmpty)
        #expect(seeded.allSatisfy { $0.actor == "config" })
        #expect(try await h.store.thresholdProfiles(configured: [:]) == [.build, .user])
        #expect(
            try await h.store.applyConfiguredThresholds(file, at: Self.t0).isEmpty, "a second start changes nothing")

        // An administrator makes OLT rx binding and moves the build limit.
        _ = try await h.store.updateThresholdProfile(
            "build",
            settings: [
                ThresholdSetting(key: .minOLTRx, binding: true), ThresholdSetting(key: .minONURx, centi: -2100),
            ], configured: file, actor: "admin-1", at: Self.t0)
        // The file then changes the overload limit only: that is applied, the rest stands.
        file["build"]?.maxONURx = DBm(-9)
        let edits = try await h.store.applyConfiguredThresholds(file, at: Self.t0)
        #expect(edits.map(\.key) == [.maxONURx])
        #expect(edits.first?.actor == "config")
        let build = try #require(try await h.store.thresholdProfiles(configured: file).first { $0.name == "build" })
        #expect(build.maxONURx == DBm(-9))
        #expect(build.minONURx == DBm(-21))
        #expect(build.binds(.minOLTRx))
        let history = try await h.store.thresholdHistory(profile: "build")
        #expect(history.contains { $0.aspect == .binding && $0.key == .minOLTRx && $0.newValue == "binding" })
        #expect(history.contains { $0.actor == "admin-1" && $0.key == .minONURx && $0.newValue == "-21.00" })
    }
}
