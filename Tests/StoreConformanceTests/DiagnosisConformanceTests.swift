import FTTHCore
import Foundation
import Testing

/// The contract of ``DiagnosisStore``: an OLT's splitters with the design their import gave, and
/// every line result on them with the test ONT it was measured with, oldest first.
@Suite("Store conformance: diagnosis")
struct DiagnosisConformanceTests {
    typealias Base = StoreConformanceTests
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,feeder_km,drop_m,upstream_ratios,connectors,splices
        D1,Design Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-D1,1:8,2,3.5,60,1:4,6,
        D1,Design Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-D2,1:8,2,,,,,
        D1,Design Court,ZTE-1,10.0.0.2,zte-c300,1/2/1,2001,SP-Z,1:16,2,,,,,
        """
    static let range = CVLANRange(name: "diag", first: VLANID(3200)!, last: VLANID(3209)!)

    func measure(_ store: any TestRunStore, _ port: PortKey, serial: String, onu: Int, at: Date) async throws {
        let run = try await store.beginTestRun(
            port, serial: ONUSerial(serial), profile: .build, configuredRanges: [Self.range], at: at)
        _ = try await store.advanceTestRun(run.id, to: .awaitingOnline, onuID: onu, attempt: 0, outcome: nil, at: at)
        _ = try await store.advanceTestRun(run.id, to: .reading, onuID: onu, attempt: 0, outcome: nil, at: at)
        let verdict = ThresholdProfile.build.evaluate(Base.good)
        _ = try await store.finishTestRun(
            run.id, readings: Base.good, verdict: verdict, outcome: verdict.summary, at: at)
    }

    @Test(arguments: StoreKind.allCases)
    func anOLTsSplittersWithTheirDesignAndEveryResultWithItsTestONT(_ kind: StoreKind) async throws {
        let handle = try await kind.make()
        let store = handle.store
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "d1.csv"), namingRule: .standard, source: "d1.csv",
            at: Base.t0, progress: nil)
        let p1 = PortKey(projectCode: "D1", splitter: "SP-D1", port: 1)
        let p2 = PortKey(projectCode: "D1", splitter: "SP-D2", port: 2)
        try await measure(store, p1, serial: "HWTC000000A1", onu: 1, at: Base.t0)
        try await measure(store, p2, serial: "HWTC000000A2", onu: 2, at: Base.t0.addingTimeInterval(60))
        // A re-test of port 1 with another ONT: both results are kept, oldest first.
        try await measure(store, p1, serial: "HWTC000000B1", onu: 3, at: Base.t0.addingTimeInterval(120))

        let records = try await store.odnRecords(olt: ManagementAddress("10.0.0.1")!)
        #expect(records.splitters.map(\.key.name) == ["SP-D1", "SP-D2"])
        let d1 = try #require(records.splitters.first)
        #expect(
            d1.design
                == ODNDesign(feederKm: 3.5, dropMetres: 60, upstreamRatios: [SplitRatio("1:4")!], connectors: 6))
        #expect(d1.pon == PONAddress("0/1/0"))
        #expect(d1.ratio == SplitRatio("1:8"))
        #expect(records.splitters[1].design.isEmpty)
        #expect(records.results.map(\.port) == [p1, p2, p1])
        #expect(records.results.map(\.serial?.text) == ["HWTC000000A1", "HWTC000000A2", "HWTC000000B1"])
        #expect(records.results[0].readings == Base.good)

        let zte = try await store.odnRecords(olt: ManagementAddress("10.0.0.2")!)
        #expect(zte.splitters.map(\.key.name) == ["SP-Z"])
        #expect(zte.results.isEmpty)
        #expect(
            try await store.odnRecords(olt: ManagementAddress("10.9.9.9")!) == ODNRecords(splitters: [], results: []))

        let links = try await store.odnLinks(olt: ManagementAddress("10.0.0.1")!)
        #expect(links.latest(p1)?.serial?.text == "HWTC000000B1")
        #expect(links.diagnose(p1) != nil)
    }
}
