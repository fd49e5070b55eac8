import FTTHCore
import Foundation
import Testing

/// The contract of ``RunLeaseStore``: which daemon executes which run when several share a
/// store. What the engine's takeover relies on.
@Suite("Store conformance: run leases")
struct LeaseConformanceTests {
    typealias C = StoreConformanceTests
    let t0 = C.t0
    func lease(_ holder: String, seconds: Double) -> RunLease {
        RunLease(holder: holder, until: t0.addingTimeInterval(seconds))
    }

    @Test(arguments: StoreKind.allCases)
    func aRunBegunWithALeaseIsNobodyElsesUntilTheLeaseRunsOut(_ kind: StoreKind) async throws {
        let h = try await C().imported(kind)
        let run = try await h.store.beginTestRun(
            C.p1, serial: nil, profile: .build, configuredRanges: [C.range], by: "wang", lease: lease("a", seconds: 30),
            at: t0)
        #expect(run.step == .provisioning)
        // Before the lease runs out, another daemon gets nothing.
        #expect(
            try await h.store.takeRuns(lease: lease("b", seconds: 60), limit: 10, at: t0.addingTimeInterval(29)).isEmpty
        )
        #expect(try await h.store.leaseHolders(at: t0.addingTimeInterval(29)) == ["a": 1])
        // Renewed, it holds longer.
        #expect(
            try await h.store.renewLeases([run.id], lease: lease("a", seconds: 60), at: t0.addingTimeInterval(20)) == [
                run.id
            ])
        #expect(
            try await h.store.takeRuns(lease: lease("b", seconds: 90), limit: 10, at: t0.addingTimeInterval(45)).isEmpty
        )
        // Once it runs out, the next daemon takes it over, at its persisted step.
        let taken = try await h.store.takeRuns(
            lease: lease("b", seconds: 120), limit: 10, at: t0.addingTimeInterval(61))
        #expect(taken.map(\.run.id) == [run.id])
        #expect(taken.first?.takenOver == true)
        #expect(taken.first?.run.step == .provisioning)
        // The first holder has lost it: its renewal says so.
        #expect(
            try await h.store.renewLeases([run.id], lease: lease("a", seconds: 150), at: t0.addingTimeInterval(62))
                .isEmpty)
        #expect(try await h.store.leaseHolders(at: t0.addingTimeInterval(62)) == ["b": 1])
    }

    @Test(arguments: StoreKind.allCases)
    func aLeaseEndsWithItsRunAndAGivenUpLeaseIsTakenAtOnce(_ kind: StoreKind) async throws {
        let h = try await C().imported(kind)
        let first = try await h.store.beginTestRun(
            C.p1, serial: nil, profile: .build, configuredRanges: [C.range], by: nil, lease: lease("a", seconds: 30),
            at: t0)
        let second = try await h.store.beginTestRun(
            C.p2, serial: nil, profile: .build, configuredRanges: [C.range], by: nil, lease: lease("a", seconds: 30),
            at: t0)
        // The daemon stops: it gives its runs up, and another takes them without waiting, as
        // runs that were not taken over from a dead daemon.
        try await h.store.releaseLeases([second.id], holder: "a")
        let taken = try await h.store.takeRuns(lease: lease("b", seconds: 30), limit: 10, at: t0.addingTimeInterval(1))
        #expect(taken.map(\.run.id) == [second.id])
        #expect(taken.first?.takenOver == false)
        // Someone else's lease is not given up by another's release.
        try await h.store.releaseLeases([first.id], holder: "b")
        #expect(try await h.store.leaseHolders(at: t0.addingTimeInterval(1)) == ["a": 1, "b": 1])
        // A run that ends leaves no lease behind, and is never taken again.
        _ = try await h.store.advanceTestRun(
            first.id, to: .cancelled, onuID: nil, attempt: 0, outcome: "cancelled", at: t0.addingTimeInterval(2))
        #expect(try await h.store.leaseHolders(at: t0.addingTimeInterval(2)) == ["b": 1])
        #expect(
            try await h.store.takeRuns(lease: lease("c", seconds: 90), limit: 10, at: t0.addingTimeInterval(60)).map(
                \.run.id) == [second.id])
    }

    /// A daemon restarted after a crash takes back the runs its earlier process held, before
    /// their leases run out; another daemon's runs, or a name that only begins the same, are
    /// not its own.
    @Test(arguments: StoreKind.allCases)
    func aRestartedDaemonResumesItsOwnRunsAtOnceAndNoOneElses(_ kind: StoreKind) async throws {
        let h = try await C().imported(kind)
        let own = try await h.store.beginTestRun(
            C.p1, serial: nil, profile: .build, configuredRanges: [C.range], by: nil,
            lease: lease("hz-olt:8080/411/a1", seconds: 90), at: t0)
        let other = try await h.store.beginTestRun(
            C.p2, serial: nil, profile: .build, configuredRanges: [C.range], by: nil,
            lease: lease("hz-olt:8080x/412/b2", seconds: 90), at: t0)
        let restarted = lease("hz-olt:8080/977/c3", seconds: 90)
        let taken = try await h.store.reclaimRuns(of: "hz-olt:8080/", lease: restarted, at: t0.addingTimeInterval(5))
        #expect(taken.map(\.run.id) == [own.id])
        #expect(taken.first?.run.step == .provisioning)
        #expect(
            try await h.store.leaseHolders(at: t0.addingTimeInterval(5)) == [
                "hz-olt:8080/977/c3": 1, "hz-olt:8080x/412/b2": 1,
            ])
        // Its own process's runs are not taken from it again.
        #expect(
            try await h.store.reclaimRuns(of: "hz-olt:8080/", lease: restarted, at: t0.addingTimeInterval(6)).isEmpty)
        #expect(
            try await h.store.renewLeases([own.id, other.id], lease: restarted, at: t0.addingTimeInterval(7)) == [
                own.id
            ])
    }

    /// Daemons asking at once get different runs, and every run goes to someone.
    @Test(arguments: StoreKind.allCases)
    func daemonsTakingAtOnceGetDisjointRuns(_ kind: StoreKind) async throws {
        let h = try await C().imported(kind)
        _ = try await h.store.importProjects(
            try ProjectImportPlan(
                csv: """
                    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
                    P2,Garden Court 2,HW-1,10.0.0.1,huawei-ma5800,0/1/1,1002,SP-B,1:8,8
                    """, file: "p2.csv"), namingRule: .standard, source: "p2.csv", at: t0, progress: nil)
        let range = CVLANRange(name: "wide", first: VLANID(3100)!, last: VLANID(3199)!)
        var ids: [Int64] = []
        for port in 1...8 {
            ids.append(
                try await h.store.beginTestRun(
                    PortKey(projectCode: "P2", splitter: "SP-B", port: port), serial: nil, profile: .build,
                    configuredRanges: [range], at: t0
                ).id)
        }
        let store = h.store
        let at = t0.addingTimeInterval(1)
        let holders = ["a", "b", "c"]
        let taken = try await withThrowingTaskGroup(of: (String, [Int64]).self) { group in
            for holder in holders {
                group.addTask {
                    var mine: [Int64] = []
                    for _ in 0..<4 {
                        mine += try await store.takeRuns(
                            lease: RunLease(holder: holder, until: at.addingTimeInterval(30)), limit: 2, at: at
                        ).map(\.run.id)
                    }
                    return (holder, mine)
                }
            }
            var all: [String: [Int64]] = [:]
            for try await (holder, mine) in group { all[holder] = mine }
            return all
        }
        let every = taken.values.flatMap { $0 }
        #expect(every.count == ids.count, "\(taken)")
        #expect(Set(every) == Set(ids))
        let counts = try await store.leaseHolders(at: at)
        #expect(counts.values.reduce(0, +) == ids.count)
        for holder in holders { #expect(counts[holder, default: 0] == taken[holder]?.count ?? 0) }
    }
}
