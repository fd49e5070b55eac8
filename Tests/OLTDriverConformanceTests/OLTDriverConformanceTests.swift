import FTTHCore
import FTTHDrivers
import OLTSim
import Testing

/// The contract every `OLTDriver` keeps, run against every driver and transport with olt-sim:
/// SNMP (Huawei, ZTE) and CLI over Telnet and SSH (Huawei MA5600T/MA5800, ZTE C300/C600).
/// What a driver cannot do over its transport it must say with `unsupported`, nothing else.
@Suite("OLTDriver conformance", .serialized)
struct OLTDriverConformanceTests {
    static let kinds = DriverKind.allCases

    func spec(_ rig: ConformanceRig, serial: ONUSerial, name: String, line: String = "ftth-test") -> TestONUSpec {
        TestONUSpec(
            pon: rig.pon, name: name, serial: serial, svlan: VLANID(300)!, cvlan: VLANID(2001)!, lineProfile: line,
            serviceProfile: "ftth-test")
    }

    /// Provisions through the driver, or through the simulator where the driver cannot.
    func provision(_ rig: ConformanceRig, _ spec: TestONUSpec) async throws -> Int {
        if rig.kind.canProvision { return try await rig.driver.provision(spec) }
        await #expect(throws: OLTDriverError.self) { _ = try await rig.driver.provision(spec) }
        return try rig.olt.configure(
            pon: spec.pon, id: nil, serial: spec.serial, name: spec.name, lineProfile: spec.lineProfile,
            serviceProfile: spec.serviceProfile)
    }

    @Test(arguments: kinds)
    func aTestONUIsProvisionedOnceReadAndRemoved(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let spec = spec(rig, serial: rig.testONT, name: "FT-TEST-1")
            let id = try await provision(rig, spec)
            if kind.canProvision {
                // Twice → one ONU.
                #expect(try await rig.driver.provision(spec) == id)
            }
            let configured = rig.olt.configuredONUs(on: rig.pon).filter { $0.serial == rig.testONT }
            #expect(configured.map(\.id) == [id])
            if kind.makesServicePorts {
                let ports = rig.olt.servicePorts(pon: rig.pon, onuID: id)
                #expect(ports.map(\.svlan) == [300])
                #expect(ports.map(\.cvlan) == [2001])
            }

            let listed = try await rig.driver.listONUs(pon: rig.pon)
            let entry = try #require(listed.first { $0.onuID == id })
            #expect(entry.serial == rig.testONT)
            #expect(entry.name == "FT-TEST-1")

            #expect(try await rig.driver.runState(pon: rig.pon, onuID: id) == .offline)
            rig.clock.advance(by: 60)
            #expect(try await rig.driver.runState(pon: rig.pon, onuID: id) == .online)

            let optics = try await rig.driver.readOptics(pon: rig.pon, onuIDs: [id])
            let observed = try #require(rig.olt.observe(pon: rig.pon, id: id))
            let onu = try #require(optics.onus.first)
            #expect(onu.runState == .online)
            // Each transport rounds differently (0.01 dBm, ZTE's 0.002 dB steps); 0.02 dB covers all.
            expectClose(onu.onuRx, observed.onuRxDBm, "ONU rx")
            expectClose(onu.onuTx, observed.onuTxDBm, "ONU tx")
            expectClose(onu.oltRx, observed.oltRxDBm, "OLT rx")
            expectClose(optics.oltTx, rig.olt.pon(rig.pon)?.oltTxDBm, "OLT tx")
            #expect(optics.source.contains(kind.sourceWord))

            if kind.canProvision {
                try await rig.driver.remove(pon: rig.pon, onuID: id)
                #expect(rig.olt.configuredONUs(on: rig.pon).allSatisfy { $0.id != id })
                #expect(rig.olt.servicePorts(pon: rig.pon, onuID: id).isEmpty)
                // Removing what is already gone succeeds.
                try await rig.driver.remove(pon: rig.pon, onuID: id)
                #expect(try await rig.driver.listONUs(pon: rig.pon).allSatisfy { $0.onuID != id })
            }
        }
    }

    /// Port tests of one splitter run at once: each provisions its own ONU on the same PON port.
    /// ZTE drivers choose the ONU id, so two sessions may pick the same one; the OLT refuses the
    /// second (%Code 34049) and the driver must look again rather than fail the test.
    @Test(arguments: kinds.filter(\.canProvision))
    func concurrentProvisionsOnOnePONEachGetTheirOwnONU(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let specs = (1...6).map { i in
                spec(rig, serial: ONUSerial("HWTCC0C0000\(i)")!, name: "FT-PAR-\(i)")
            }
            let ids = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for s in specs { group.addTask { (s.name, try await rig.driver.provision(s)) } }
                var ids: [String: Int] = [:]
                for try await (name, id) in group { ids[name] = id }
                return ids
            }
            #expect(Set(ids.values).count == 6)
            let configured = rig.olt.configuredONUs(on: rig.pon)
            for s in specs {
                let onu = try #require(configured.first { $0.serial == s.serial })
                #expect(onu.id == ids[s.name])
                #expect(onu.name == s.name)
            }
        }
    }

    @Test(arguments: kinds)
    func anONUThatIsNotOnlineNeverYieldsNumbers(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            // A serial no ONT on the ODN has: configured, never registers.
            let id = try await provision(rig, spec(rig, serial: ONUSerial("HWTCDEAD0001")!, name: "FT-TEST-2"))
            rig.clock.advance(by: 60)
            #expect(try await rig.driver.runState(pon: rig.pon, onuID: id) == .offline)
            let optics = try await rig.driver.readOptics(pon: rig.pon, onuIDs: [id])
            let onu = try #require(optics.onus.first)
            #expect(onu.runState == .offline)
            #expect(onu.onuRx.value == nil && onu.onuTx.value == nil && onu.oltRx.value == nil)
        }
    }

    @Test(arguments: kinds)
    func everyConfiguredONUIsReadWhenNoneIsNamed(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let customers = rig.olt.configuredONUs(on: rig.pon).map(\.id)
            #expect(!customers.isEmpty)
            let optics = try await rig.driver.readOptics(pon: rig.pon, onuIDs: nil)
            #expect(optics.onus.map(\.onuID).sorted() == customers.sorted())
            #expect(optics.onus.allSatisfy { $0.runState == .online && $0.onuRx.value != nil })
            #expect(optics.oltTx.value != nil)
        }
    }

    @Test(arguments: kinds)
    func anUnknownONUIsNotFound(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await rig.driver.runState(pon: rig.pon, onuID: kind.unusedONUID)
            }
            #expect(error?.code == .notFound)
        }
    }

    /// The serial a crew gives may already be on the PON port as another ONU: a customer's (a
    /// mistyped serial), or the test ONU of another port. It is never taken over: the driver
    /// refuses, names that ONU, and leaves it as it was.
    @Test(arguments: kinds.filter(\.canProvision))
    func aSerialOnAnotherONUIsNotTakenOver(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let theirs = try rig.olt.configure(
                pon: rig.pon, id: nil, serial: rig.testONT, name: "CUSTOMER-0042", lineProfile: "ftth-test",
                serviceProfile: "ftth-test")
            if kind.makesServicePorts {
                // In service: the customer's ONU has its configuration.
                try rig.olt.addServicePort(pon: rig.pon, onuID: theirs, index: nil, svlan: 300, cvlan: 42, gemport: 1)
            }
            let before = rig.olt.configuredONUs(on: rig.pon)
            let portsBefore = rig.olt.servicePorts(pon: rig.pon, onuID: theirs)
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await rig.driver.provision(spec(rig, serial: rig.testONT, name: "FT-TEST-4"))
            }
            #expect(error?.code == .rejected)
            #expect(
                error?.message.contains(
                    "serial \(rig.testONT) is already ONU \(theirs) ('CUSTOMER-0042') on PON \(rig.pon), not test ONU FT-TEST-4"
                ) == true, "\(String(describing: error))")
            #expect(rig.olt.configuredONUs(on: rig.pon) == before)
            #expect(rig.olt.servicePorts(pon: rig.pon, onuID: theirs) == portsBefore)
        }
    }

    @Test(arguments: kinds.filter(\.canProvision))
    func aRefusalKeepsTheOLTsWordsAndLeavesNothingBehind(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let before = rig.olt.configuredONUs(on: rig.pon)
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await rig.driver.provision(
                    spec(rig, serial: rig.testONT, name: "FT-TEST-3", line: "no-such-profile"))
            }
            #expect(error?.code == .rejected)
            #expect(error?.deviceText?.isEmpty == false)
            #expect(rig.olt.configuredONUs(on: rig.pon) == before)
        }
    }

    @Test(arguments: kinds)
    func aSilentOLTIsUnreachable(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind, reachable: false) { rig in
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await rig.driver.listONUs(pon: rig.pon)
            }
            #expect(error?.code == .unreachable)
            #expect(error?.isTransient == true)
        }
    }

    func expectClose(
        _ reading: PowerReading, _ expected: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let expected, let value = reading.value?.value else {
            let wanted = expected.map { String($0) } ?? "none"
            Issue.record("\(what): got \(reading), expected \(wanted)", sourceLocation: sourceLocation)
            return
        }
        let difference: Double = abs(value - expected)
        #expect(difference <= 0.02, "\(what): \(value) vs \(expected)", sourceLocation: sourceLocation)
    }
}
