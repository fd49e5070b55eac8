import CLIModel
import FTTHCore
import OLTSim
import SNMPModel
import Synchronization
import Testing

@testable import FTTHDrivers

/// Another manager of the OLT (a second system, an engineer at the console) takes the free ONU
/// id between the driver's look and its add. The OLT refuses the add; the driver looks again and
/// takes the next id instead of failing the port test.
@Suite struct ONUIDCollisionTests {
    static let zte = PONAddress("1/2/1")!
    static let huawei = PONAddress("0/1/1")!

    static func simulator(_ dialect: VendorDialect, address: String, pon: PONAddress) -> OLTSimulator {
        OLTSimulator(
            configuration: SimConfiguration(olts: [
                SimOLT(
                    name: "OLT", address: ManagementAddress(address)!, dialect: dialect,
                    pons: [
                        SimPON(
                            address: pon,
                            splitters: [SimSplitter(name: "SP", ratio: SplitRatio(outputs: 8)!)])
                    ])
            ]))
    }

    static func spec(_ serial: String, pon: PONAddress) -> TestONUSpec {
        TestONUSpec(
            pon: pon, name: "FT-COLLIDE", serial: ONUSerial(serial)!, svlan: VLANID(300)!, cvlan: VLANID(2001)!,
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
    }

    /// Sessions of `inner` in which the first `onu N type …` line is preceded by another manager
    /// configuring ONU N.
    final class Interloper: CLIConnector {
        let inner: LocalCLIConnector
        let olt: SimulatedOLT
        let done = Mutex(false)

        init(olt: SimulatedOLT) {
            self.olt = olt
            inner = LocalCLIConnector(olt: olt, setup: ZTECLIDriver.sessionSetup)
        }

        var target: String { inner.target }

        func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
            try await inner.withSession { session in try await body(Session(inner: session, owner: self)) }
        }

        func shutdown() async {}

        final class Session: CLISession {
            let inner: any CLISession
            let owner: Interloper
            init(inner: any CLISession, owner: Interloper) {
                self.inner = inner
                self.owner = owner
            }
            var target: String { inner.target }
            func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
                let words = line.split(separator: " ")
                if words.first == "onu", words.count > 2, words[2] == "type", let id = Int(words[1]),
                    owner.done.withLock({ done in
                        defer { done = true }; return !done
                    })
                {
                    _ = try owner.olt.configure(
                        pon: ONUIDCollisionTests.zte, id: id, serial: ONUSerial("ZTEG0THE4001"), name: "other-system",
                        lineProfile: "ftth-test", serviceProfile: "ftth-test")
                }
                return try await inner.run(line, timeout: timeout)
            }
            func close() async { await inner.close() }
        }
    }

    @Test func zteCLIAddsUnderTheNextIDWhenAnotherManagerTookTheFirst() async throws {
        let sim = Self.simulator(.zteC300, address: "10.99.0.2", pon: Self.zte)
        let olt = sim.olts[0]
        let driver = ZTECLIDriver(cli: Interloper(olt: olt), olt: olt.config.address)
        let id = try await driver.provision(Self.spec("ZTEG7E57AAAA", pon: Self.zte))
        let onus = olt.configuredONUs(on: Self.zte)
        #expect(onus.first { $0.name == "other-system" }?.id == 1)
        #expect(id == 2)
        #expect(onus.first { $0.serial == ONUSerial("ZTEG7E57AAAA") }?.id == 2)
    }

    /// A requester whose first createAndGo is preceded by another manager creating that row.
    final class InterloperSNMP: SNMPRequester {
        let inner: LocalSNMPRequester
        let olt: SimulatedOLT
        let done = Mutex(false)

        init(inner: LocalSNMPRequester, olt: SimulatedOLT) {
            self.inner = inner
            self.olt = olt
        }
        var targetDescription: String { inner.targetDescription }

        func get(_ oids: [OID]) async throws -> [VarBind] { try await inner.get(oids) }
        func getNext(_ oids: [OID]) async throws -> [VarBind] { try await inner.getNext(oids) }
        func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws -> [VarBind] {
            try await inner.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions)
        }
        func walk(_ root: OID, maxRepetitions: Int) async throws -> [VarBind] {
            try await inner.walk(root, maxRepetitions: maxRepetitions)
        }
        func set(_ bindings: [VarBind]) async throws -> [VarBind] {
            if bindings.count == 6, let id = bindings.last?.oid.components.last,
                done.withLock({ done in
                    defer { done = true }; return !done
                })
            {
                _ = try olt.configure(
                    pon: ONUIDCollisionTests.huawei, id: Int(id), serial: ONUSerial("HWTC0THE4001"),
                    name: "other-system", lineProfile: "ftth-test", serviceProfile: "ftth-test")
            }
            return try await inner.set(bindings)
        }
    }

    @Test func huaweiSNMPCreatesTheNextRowWhenAnotherManagerTookTheFirst() async throws {
        let sim = Self.simulator(.huaweiMA5800, address: "10.99.0.1", pon: Self.huawei)
        let olt = sim.olts[0]
        let requester = InterloperSNMP(inner: LocalSNMPRequester(sim.mib(olt.config.address)!), olt: olt)
        let driver = HuaweiSNMPDriver(snmp: requester, olt: olt.config.address)
        let id = try await driver.provision(Self.spec("HWTC7E57AAAA", pon: Self.huawei))
        let onus = olt.configuredONUs(on: Self.huawei)
        #expect(onus.first { $0.name == "other-system" }?.id == 0)
        #expect(id == 1)
        #expect(onus.first { $0.serial == ONUSerial("HWTC7E57AAAA") }?.id == 1)
    }
}
