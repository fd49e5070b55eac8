import FTTHConfig
import FTTHCore
import Testing

@testable import OLTSim

/// A PON of two 1:8 splitters behind a 1:4, 2 km of fibre, no drop, 4 connectors and 4 splices:
/// 2 × 0.25 + 10.5 + 7.3 + 1.2 + 0.2 = 19.7 dB at 1490 nm, 2 × 0.35 + … = 19.9 dB at 1310 nm. With
/// the OLT at 3.0 dBm and an ONT at 2.0 dBm: ONU rx −16.7 dBm, OLT rx −17.9 dBm when healthy.
enum FaultCity {
    static let pon = PONAddress("0/1/0")!
    static let healthyONT = ONUSerial("HWTCC0000001")!
    static let faultyONT = ONUSerial("HWTCC0000002")!
    static let healthyRx = -16.7
    static let healthyOLTRx = -17.9

    static func toml(
        seed: String = "", pon: String = "", splitterA: String = "", portsA: String = "", faultyONT: String = "",
        onts: String = ""
    ) -> String {
        """
        registration_seconds = 5
        \(seed)
        [[olt]]
        name = "T"
        address = "10.0.0.1"
        dialect = "huawei-ma5800"
        [[olt.crew_ont]]
        serial = "HWTCC0000001"
        tx_dbm = 2.0
        [[olt.crew_ont]]
        serial = "HWTCC0000002"
        tx_dbm = 2.0
        \(faultyONT)
        [[olt.pon]]
        port = "0/1/0"
        olt_tx_dbm = 3.0
        \(pon)
        [[olt.pon.splitter]]
        name = "SA"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 2
        drop_m = 0
        \(splitterA)
        \(portsA)
        \(onts)
        [[olt.pon.splitter]]
        name = "SB"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 2
        drop_m = 0
        """
    }

    /// The simulator of `toml`, with both crew ONTs configured as ONUs and registered.
    static func make(_ toml: String) throws -> (SimulatedOLT, [ONUSerial: Int], ManualSimClock) {
        let clock = ManualSimClock()
        let sim = OLTSimulator(configuration: try SimConfiguration(toml: toml), clock: clock)
        let olt = sim.olts[0]
        var ids: [ONUSerial: Int] = [:]
        for serial in [healthyONT, faultyONT] {
            ids[serial] = try olt.configure(
                pon: pon, id: nil, serial: serial, name: "test", lineProfile: "ftth-test", serviceProfile: "ftth-test")
        }
        clock.advance(by: 10)
        return (olt, ids, clock)
    }

    /// What the OLT reads of `serial` once it is plugged into `splitter` port `port`.
    static func reading(
        _ olt: SimulatedOLT, _ ids: [ONUSerial: Int], _ serial: ONUSerial, _ splitter: String, _ port: Int
    ) -> ONUObservation? {
        guard olt.plug(serial, pon: pon, splitter: splitter, port: port) else { return nil }
        return olt.observe(pon: pon, id: ids[serial]!)
    }
}

@Suite("olt-sim fault places")
struct FaultPlaceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var place: SimFaultPlace
        var toml: String
        var serial: ONUSerial
        /// Extra loss at 1490 nm and at 1310 nm, by (splitter, port) probed.
        var expected: [String: (down: Double, up: Double)]
        var testDescription: String { place.rawValue }
    }

    static let probes = [("SA", 1), ("SA", 3), ("SA", 4), ("SB", 3)]

    static let cases: [Case] = [
        // A dirty connector at the OLT port: every splitter of the PON, both ways alike.
        Case(
            place: .oltPort, toml: FaultCity.toml(pon: "olt_port_faults = [\"dirty-connector:3\"]"),
            serial: FaultCity.healthyONT,
            expected: ["SA/1": (3, 3), "SA/3": (3, 3), "SA/4": (3, 3), "SB/3": (3, 3)]),
        // A macrobend in the feeder: every splitter, 1490 nm twice 1310 nm.
        Case(
            place: .feeder, toml: FaultCity.toml(pon: "feeder_faults = [\"macrobend:4\"]"),
            serial: FaultCity.healthyONT,
            expected: ["SA/1": (4, 2), "SA/3": (4, 2), "SA/4": (4, 2), "SB/3": (4, 2)]),
        // The splitter's input: every port of SA, none of SB.
        Case(
            place: .splitterInput, toml: FaultCity.toml(splitterA: "faults = [\"dirty-connector:2.5\"]"),
            serial: FaultCity.healthyONT,
            expected: ["SA/1": (2.5, 2.5), "SA/3": (2.5, 2.5), "SA/4": (2.5, 2.5), "SB/3": (0, 0)]),
        // One output connector of SA: port 3 only.
        Case(
            place: .splitterPort,
            toml: FaultCity.toml(
                portsA: "[[olt.pon.splitter.port]]\nnumber = 3\nconnector_faults = [\"dirty-connector:5\"]"),
            serial: FaultCity.healthyONT,
            expected: ["SA/1": (0, 0), "SA/3": (5, 5), "SA/4": (0, 0), "SB/3": (0, 0)]),
        // A macrobend on port 3's drop: that port only, half of it at 1310 nm.
        Case(
            place: .drop,
            toml: FaultCity.toml(portsA: "[[olt.pon.splitter.port]]\nnumber = 3\ndrop_faults = [\"macrobend:6\"]"),
            serial: FaultCity.healthyONT,
            expected: ["SA/1": (0, 0), "SA/3": (6, 3), "SA/4": (0, 0), "SB/3": (0, 0)]),
        // The test ONT's own connector: every port it is plugged into.
        Case(
            place: .ontConnector, toml: FaultCity.toml(faultyONT: "faults = [\"dirty-connector:2\"]"),
            serial: FaultCity.faultyONT,
            expected: ["SA/1": (2, 2), "SA/3": (2, 2), "SA/4": (2, 2), "SB/3": (2, 2)]),
    ]

    @Test(arguments: cases)
    func aFaultChangesTheReadingsOfThePortsBehindItsPlace(_ c: Case) throws {
        let (olt, ids, _) = try FaultCity.make(c.toml)
        for (splitter, port) in Self.probes {
            let o = try #require(FaultCity.reading(olt, ids, c.serial, splitter, port))
            let (down, up) = c.expected["\(splitter)/\(port)"]!
            #expect(o.runState == .online, "\(splitter)/\(port)")
            #expect(abs(o.onuRxDBm! - (FaultCity.healthyRx - down)) < 1e-9, "\(splitter)/\(port) ONU rx")
            #expect(abs(o.oltRxDBm! - (FaultCity.healthyOLTRx - up)) < 1e-9, "\(splitter)/\(port) OLT rx")
            #expect(o.onuTxDBm == 2.0)
        }
        // The OLT reports its laser's power whatever is lost after it.
        #expect(olt.pon(FaultCity.pon)?.oltTxDBm == 3.0)
    }

    @Test func aCutLeavesThePortsBehindItDark() throws {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml(pon: "feeder_faults = [\"broken\"]"))
        for (splitter, port) in Self.probes {
            #expect(FaultCity.reading(olt, ids, FaultCity.healthyONT, splitter, port)?.runState == .offline)
        }
    }

    @Test func anONTsOwnFaultFollowsItWhereverItIsPlugged() throws {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml(faultyONT: "faults = [\"macrobend:3\"]"))
        let there = try #require(FaultCity.reading(olt, ids, FaultCity.faultyONT, "SA", 3))
        #expect(abs(there.onuRxDBm! - (FaultCity.healthyRx - 3)) < 1e-9)
        #expect(abs(there.oltRxDBm! - (FaultCity.healthyOLTRx - 1.5)) < 1e-9)
        let moved = try #require(FaultCity.reading(olt, ids, FaultCity.faultyONT, "SB", 7))
        #expect(abs(moved.onuRxDBm! - (FaultCity.healthyRx - 3)) < 1e-9)
        #expect(olt.location(of: FaultCity.faultyONT)?.splitter == "SB")
        // The port it left is fine for another ONT.
        let other = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 3))
        #expect(abs(other.onuRxDBm! - FaultCity.healthyRx) < 1e-9)
    }

    @Test func aPortsFaultStaysWithThePortWhenAnotherONTIsPluggedIn() throws {
        let (olt, ids, _) = try FaultCity.make(
            FaultCity.toml(portsA: "[[olt.pon.splitter.port]]\nnumber = 3\nconnector_faults = [\"dirty-connector:5\"]"))
        let first = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 3))
        #expect(abs(first.onuRxDBm! - (FaultCity.healthyRx - 5)) < 1e-9)
        let second = try #require(FaultCity.reading(olt, ids, FaultCity.faultyONT, "SA", 3))
        #expect(abs(second.onuRxDBm! - (FaultCity.healthyRx - 5)) < 1e-9)
        // The first ONT was unplugged to make room: dark until plugged again, and fine elsewhere.
        #expect(olt.location(of: FaultCity.healthyONT) == nil)
        #expect(olt.observe(pon: FaultCity.pon, id: ids[FaultCity.healthyONT]!)?.runState == .offline)
        let elsewhere = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 4))
        #expect(abs(elsewhere.onuRxDBm! - FaultCity.healthyRx) < 1e-9)
    }

    @Test func anONTsDropFaultsStayWithItsPort() throws {
        // `faults` of a [[…ont]] are its port's drop: a crew ONT plugged there suffers them.
        let (olt, ids, _) = try FaultCity.make(
            FaultCity.toml(
                onts:
                    "[[olt.pon.splitter.ont]]\nport = 2\nserial = \"HWTC0000A002\"\nfaults = [\"dirty-connector:3.5\"]"
            ))
        let o = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 2))
        #expect(abs(o.onuRxDBm! - (FaultCity.healthyRx - 3.5)) < 1e-9)
    }

    @Test func aCrewONTIsInNoPortUntilPlugged() throws {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml())
        #expect(olt.location(of: FaultCity.healthyONT) == nil)
        #expect(olt.observe(pon: FaultCity.pon, id: ids[FaultCity.healthyONT]!)?.runState == .offline)
        #expect(!olt.plug(FaultCity.healthyONT, pon: FaultCity.pon, splitter: "SA", port: 9))
        #expect(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 8)?.runState == .online)
        #expect(olt.unplug(FaultCity.healthyONT))
        #expect(olt.observe(pon: FaultCity.pon, id: ids[FaultCity.healthyONT]!)?.runState == .offline)
    }
}

@Suite("olt-sim variation")
struct SimVariationTests {
    static func rxByPort(seed: String, serial: ONUSerial = FaultCity.healthyONT) throws -> [Double] {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml(seed: seed))
        return try (1...8).map { port in
            try #require(FaultCity.reading(olt, ids, serial, "SA", port)?.onuRxDBm)
        }
    }

    @Test func withoutASeedEveryPortReadsTheTypicalFigures() throws {
        #expect(try Self.rxByPort(seed: "").allSatisfy { abs($0 - FaultCity.healthyRx) < 1e-9 })
    }

    @Test func aSeedSpreadsThePortsTheSameWayEveryTime() throws {
        let first = try Self.rxByPort(seed: "variation_seed = 7")
        #expect(try Self.rxByPort(seed: "variation_seed = 7") == first)
        #expect(Set(first).count == 8)
        #expect(try Self.rxByPort(seed: "variation_seed = 8") != first)
        // 4 connectors of 0.3 ± 0.1 dB and 4 splices of 0.05 ± 0.03 dB: within 0.52 dB of typical.
        #expect(first.allSatisfy { abs($0 - FaultCity.healthyRx) <= 0.52 })
    }

    @Test func eachPartStaysWithinItsSpread() {
        let v = SimVariation(seed: 42)
        for port in 1...64 {
            let one = v.componentDeviation(olt: "a", pon: "0/1/0", splitter: "s", port: port, connectors: 1, splices: 0)
            #expect(one >= -0.2 && one <= 0.1)
            let splice = v.componentDeviation(
                olt: "a", pon: "0/1/0", splitter: "s", port: port, connectors: 0, splices: 1)
            #expect(abs(splice) <= 0.03)
            let drop = v.dropMetres(typical: 100, olt: "a", pon: "0/1/0", splitter: "s", port: port)
            #expect(drop >= 75 && drop <= 125)
            let tx = v.ontTxDBm(typical: 2, olt: "a", serial: "HWTC\(port)")
            #expect(tx >= 1.5 && tx <= 2.5)
        }
    }

    @Test func anONTsPowerVariesOnlyWhenItWasNotGiven() throws {
        let toml = FaultCity.toml(seed: "variation_seed = 7").replacingOccurrences(
            of: "serial = \"HWTCC0000002\"\ntx_dbm = 2.0", with: "serial = \"HWTCC0000002\"")
        let (olt, ids, _) = try FaultCity.make(toml)
        let given = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 1))
        #expect(given.onuTxDBm == 2.0)
        let drawn = try #require(FaultCity.reading(olt, ids, FaultCity.faultyONT, "SA", 2)?.onuTxDBm)
        #expect(drawn != 2.0 && abs(drawn - 2.0) <= 0.5)
        // It goes with the ONT.
        #expect(FaultCity.reading(olt, ids, FaultCity.faultyONT, "SB", 5)?.onuTxDBm == drawn)
    }
}

@Suite("olt-sim reading error")
struct ReadingErrorTests {
    @Test func receivePowersReadOffTheTruthWithinTheErrorAnONTsOffsetStaysWithIt() throws {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml(seed: "variation_seed = 3\nreading_error_db = 1.0"))
        var offsets: [Double] = []
        for (splitter, port) in [("SA", 1), ("SA", 2), ("SA", 5), ("SB", 3), ("SB", 8)] {
            let o = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, splitter, port))
            // Variation moves the truth by a few tenths; the reading error by up to 1 dB more.
            offsets.append(o.onuRxDBm! - FaultCity.healthyRx)
            #expect(abs(o.onuRxDBm! - FaultCity.healthyRx) < 1.0 + 0.6, "\(splitter)/\(port)")
            #expect(abs(o.oltRxDBm! - FaultCity.healthyOLTRx) < 0.5 + 0.6, "\(splitter)/\(port)")
            // The same port read again reads the same.
            #expect(olt.observe(pon: FaultCity.pon, id: ids[FaultCity.healthyONT]!)?.onuRxDBm == o.onuRxDBm)
        }
        #expect(Set(offsets.map { ($0 * 1000).rounded() }).count == offsets.count, "ports read alike: \(offsets)")
    }

    @Test func noReadingErrorUnlessAsked() throws {
        let (olt, ids, _) = try FaultCity.make(FaultCity.toml())
        let o = try #require(FaultCity.reading(olt, ids, FaultCity.healthyONT, "SA", 1))
        #expect(abs(o.onuRxDBm! - FaultCity.healthyRx) < 1e-9)
    }

    @Test func aReadingErrorOutOfRangeNamesTheKey() {
        #expect(throws: ConfigurationError.self) {
            try SimConfiguration(toml: FaultCity.toml(seed: "reading_error_db = 9"))
        }
    }
}
