import FTTHCore
import FTTHEngine
import FTTHSQLite
import Foundation
import GRDB
import InMemoryLogging
import Logging
import OLTSim
import Testing

/// The progress event of a recorded line result carries the diagnosis of where the port's light
/// is lost, computed from the store; a diagnosis that cannot be computed never fails the run.
@Suite(.timeLimit(.minutes(2))) struct EngineDiagnosisTests {
    /// The rig's project with olt-sim's ODN as its design (2 km, a 30 m drop, 4 connectors, 4
    /// splices): the Huawei CLI gives no ranged distance, so the design is what predicts the loss.
    static let designed = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,feeder_km,drop_m,connectors,splices
        P1,Garden Court,HW-1,10.20.0.1,huawei-ma5600t,0/1/0,1001,SP-A,1:8,,2,30,4,4
        """

    func designedRig(ontFaults: [PathFault] = []) async throws -> EngineRig {
        let rig = try EngineRig(ontFaults: ontFaults)
        _ = try await rig.store.importProjects(
            try ProjectImportPlan(csv: Self.designed, file: "p1.csv"), namingRule: .standard, source: "p1.csv",
            at: Date(timeIntervalSince1970: 1_790_000_000), progress: nil)
        return rig
    }

    /// Runs `engine` on port 3 of the rig and returns the event that carried the verdict.
    func recordedEvent(_ rig: EngineRig, _ engine: AcceptanceEngine) async throws -> (TestRun, TestProgress?) {
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let progress = await engine.progress()
        let ended = await engine.execute(started)
        var recorded: TestProgress?
        for await event in progress {
            if event.verdict != nil { recorded = event }
            if !event.run.step.isActive { break }
        }
        return (ended, recorded)
    }

    @Test func theRecordedResultsEventCarriesThePortsAndItsSplittersDiagnosis() async throws {
        let rig = try await designedRig()
        let (ended, event) = try await recordedEvent(rig, rig.engine())
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let links = try await rig.store.odnLinks(olt: ManagementAddress("10.20.0.1")!)
        let diagnosis = try #require(event?.diagnosis)
        #expect(diagnosis == links.diagnose(EngineRig.port(3)))
        // olt-sim's healthy link loses what its design predicts.
        #expect(diagnosis.place == .none, "\(diagnosis.summary)")
        #expect(diagnosis.basis == .design)
        let splitter = try #require(event?.splitterDiagnosis)
        #expect(splitter.splitter.name == "SP-A" && splitter.tested == 1 && splitter.lossyPorts.isEmpty)
    }

    @Test func aDirtyConnectorOnTheTestONTsPortIsDiagnosedAsThatPortsConnectorOrDrop() async throws {
        let rig = try await designedRig(ontFaults: [.dirtyConnector(6)])
        let (ended, event) = try await recordedEvent(rig, rig.engine())
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let diagnosis = try #require(event?.diagnosis)
        #expect(diagnosis.place == .portOrDrop, "\(diagnosis.summary)")
        #expect((diagnosis.excessDownstream?.value ?? 0) > 5)
        #expect(event?.splitterDiagnosis?.lossyPorts == [3])
    }

    @Test func aDiagnosisThatCannotBeComputedIsLoggedAndTheRunGoesOn() async throws {
        let rig = try await designedRig()
        // A design no version of the store wrote: reading the OLT's results for the diagnosis fails.
        let queue = try DatabaseQueue(path: rig.directory.appendingPathComponent("store.sqlite").path)
        try await queue.write { try $0.execute(sql: "UPDATE splitters SET design_json = 'not json'") }
        try queue.close()
        let logs = InMemoryLogHandler()
        let configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [EngineRig.range], onlineTimeout: .seconds(120), pollInterval: .seconds(5), maxAttempts: 3)
        let engine = AcceptanceEngine(
            store: rig.store, drivers: rig.drivers, configuration: configuration, clock: rig.clock,
            now: { Date(timeIntervalSince1970: 1_790_000_000) }, logger: Logger(label: "test", factory: { _ in logs }))
        let (ended, event) = try await recordedEvent(rig, engine)
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        #expect(try await rig.store.lineResults(EngineRig.port(3)).count == 1)
        #expect(event?.verdict != nil)
        #expect(event?.diagnosis == nil && event?.splitterDiagnosis == nil)
        let warned = logs.entries.contains { $0.level == .warning && $0.message.description.contains("diagnosis") }
        #expect(warned)
    }
}
