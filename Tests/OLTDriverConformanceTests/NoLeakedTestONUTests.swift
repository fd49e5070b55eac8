import FTTHCore
import FTTHDrivers
import FTTHEngine
import FTTHSQLite
import Foundation
import OLTSim
import Testing

/// Issue 10, item 0, on every dialect over every transport: the acceptance engine driving the
/// kind's driver through a mistyped serial, its correction, a cancelled test and the hand-over
/// leaves no test ONU on the PON, and never touches a customer's ONU.
@Suite("No leaked test ONU", .serialized)
struct NoLeakedTestONUTests {
    struct Provider: OLTDriverProvider {
        let driver: any OLTDriver
        func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver { driver }
        func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
            ("ftth-test", "ftth-test")
        }
    }

    @Test(arguments: DriverKind.allCases.filter(\.canProvision))
    func aRetestWithAnotherSerialACancelledTestAndHandOverLeaveNoTestONU(_ kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-leak-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
            let config = rig.olt.config
            let splitter = config.pons[0].splitters[0].name
            let csv = """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
                P1,Leak test,\(config.name),\(config.address),\(kind.dialect.rawValue),\(rig.pon),1001,\(splitter),1:8,
                """
            _ = try await store.importProjects(
                try ProjectImportPlan(csv: csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: Date(),
                progress: nil)
            let customers = Set(rig.olt.configuredONUs(on: rig.pon).map(\.id))
            let engine = AcceptanceEngine(
                store: store, drivers: Provider(driver: rig.driver),
                configuration: EngineConfiguration(
                    profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
                    cvlanRanges: [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3009)!)],
                    onlineTimeout: .seconds(30), pollInterval: .seconds(5)),
                clock: SimLinkedClock(sim: rig.clock))
            let port = PortKey(projectCode: "P1", splitter: splitter, port: 1)
            let name = try #require(try await store.activationList(projectCode: "P1").first { $0.key == port }).onuName
            func testONUs() -> [ConfiguredONU] { rig.olt.configuredONUs(on: rig.pon).filter { $0.name == name } }

            // A mistyped serial: the test ONU never comes online, the line fails.
            let mistyped = await engine.execute(
                try await engine.begin(port, serial: ONUSerial("HWTCDEAD0001"), profile: "build"))
            #expect(mistyped.outcome?.hasPrefix("line fail (build)") == true, "\(mistyped.outcome ?? "")")
            #expect(testONUs().map(\.serial) == [ONUSerial("HWTCDEAD0001")])

            // The right serial: the earlier test ONU leaves first; one test ONU, the right one.
            let right = await engine.execute(try await engine.begin(port, serial: rig.testONT, profile: "build"))
            #expect(right.outcome?.hasPrefix("line pass (build)") == true, "\(right.outcome ?? "")")
            #expect(testONUs().map(\.serial) == [rig.testONT])

            // A cancelled re-test leaves the port's test ONU where the store knows it.
            let cancelled = try await engine.begin(port, serial: rig.testONT, profile: "build")
            await engine.cancel(runID: cancelled.id)
            #expect(await engine.execute(cancelled).step == .cancelled)
            #expect(testONUs().count == 1)
            let held = try await store.testRuns(port).filter(\.holdsTestONU).compactMap(\.onuID)
            #expect(Set(held) == Set(testONUs().map(\.id)))

            // Hand-over: no test ONU stays, every customer's does, and the store agrees.
            let report = try await engine.deactivate(projectCode: "P1")
            #expect(report.failed.isEmpty, "\(report.failed)")
            #expect(testONUs().isEmpty)
            #expect(Set(rig.olt.configuredONUs(on: rig.pon).map(\.id)) == customers)
            #expect(try await store.testRuns(port).allSatisfy { !$0.holdsTestONU })
            #expect(try await engine.reconcile().removed.isEmpty)
        }
    }
}
