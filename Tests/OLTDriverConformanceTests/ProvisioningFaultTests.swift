import FTTHCore
import FTTHDrivers
import OLTSim
import OLTSimServer
import Testing

/// A session that drops or hangs in the middle of provisioning, over real Telnet and SSH: the
/// driver's retry on a new session completes the test ONU (one ONU, one service-port), and when
/// the retry fails too, the ONU it added is removed again: never a half-made ONU.
@Suite("Provisioning through dropped and hung sessions", .serialized)
struct ProvisioningFaultTests {
    static let kinds = DriverKind.allCases.filter { $0.transport != nil }

    /// The command that adds the ONU, in the kind's dialect.
    static func addCommand(_ kind: DriverKind) -> String { kind.dialect.isHuawei ? "ont add" : "onu " }

    static func spec(_ rig: ConformanceRig) -> TestONUSpec {
        TestONUSpec(
            pon: rig.pon, name: "FT-FAULT-1", serial: rig.testONT, svlan: VLANID(300)!, cvlan: VLANID(2002)!,
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
    }

    /// Exactly one test ONU with exactly the service-port asked for.
    static func expectOneCompleteONU(_ rig: ConformanceRig, id: Int, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let onus = rig.olt.configuredONUs(on: rig.pon).filter { $0.serial == rig.testONT }
        #expect(onus.map(\.id) == [id], sourceLocation: sourceLocation)
        let ports = rig.olt.servicePorts(pon: rig.pon, onuID: id)
        #expect(ports.map(\.svlan) == [300], sourceLocation: sourceLocation)
        #expect(ports.map(\.cvlan) == [2002], sourceLocation: sourceLocation)
    }

    @Test(arguments: kinds)
    func aDropAfterTheONUWasAddedIsCompletedByTheRetry(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            // The OLT adds the ONU, then the connection drops before the reply is read.
            rig.servers?.setFaults(
                [SimCLIFault(commandPrefix: Self.addCommand(kind), action: .drop(afterBytes: 1))], olt: 0)
            let id = try await rig.driver.provision(Self.spec(rig))
            Self.expectOneCompleteONU(rig, id: id)
        }
    }

    @Test(arguments: kinds)
    func aDropAtTheServicePortIsCompletedByTheRetry(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            rig.servers?.setFaults([SimCLIFault(commandPrefix: "service-port", action: .drop(afterBytes: 0))], olt: 0)
            let id = try await rig.driver.provision(Self.spec(rig))
            Self.expectOneCompleteONU(rig, id: id)
        }
    }

    @Test(arguments: kinds)
    func aHungCommandTimesOutAndTheRetryCompletes(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind, commandTimeout: .seconds(2)) { rig in
            rig.servers?.setFaults([SimCLIFault(commandPrefix: "service-port", action: .hang)], olt: 0)
            let id = try await rig.driver.provision(Self.spec(rig))
            Self.expectOneCompleteONU(rig, id: id)
        }
    }

    @Test(arguments: kinds)
    func whenEveryAttemptDropsTheAddedONUIsRemovedAgain(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            rig.servers?.setFaults(
                [SimCLIFault(commandPrefix: "service-port", action: .drop(afterBytes: 0), once: false)], olt: 0)
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await rig.driver.provision(Self.spec(rig))
            }
            #expect(error?.code == .unreachable)
            #expect(error?.message.contains("service-port") == true)
            #expect(rig.olt.configuredONUs(on: rig.pon).allSatisfy { $0.serial != rig.testONT })
            #expect(rig.olt.servicePorts(pon: rig.pon).allSatisfy { $0.svlan != 300 })
        }
    }
}
