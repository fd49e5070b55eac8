import FTTHCore
import Foundation

/// A random city with faults at known places, for testing the daemon's diagnosis: the simulator
/// configuration, the project export the daemon imports, and the truth (where each fault is).
/// `olt-sim city` writes the three files.
///
/// The city: OLTs alternating Huawei MA5800 and ZTE C300 (SNMP and Telnet on any free port), each
/// PON a 1:4 first-level splitter feeding last-level splitters of `portsPerSplitter` ports, fibre
/// 1–12 km, drops 20–300 m, 4–6 connectors and 2–6 splices; `variation_seed` is the seed, so no
/// two ports read alike. No ONT sits in any port: each OLT has `crews` crew test ONTs, and a crew
/// tests its splitters port by port with its one ONT.
///
/// The truth is kept unambiguous: a PON with an `olt_port` or `feeder` fault has no other fault;
/// a splitter with a `splitter_input` fault has no port fault; port faults (`splitter_port`,
/// `drop`) sit on otherwise healthy splitters; a crew ONT with an `ont_connector` fault tests at
/// least 2 splitters, all otherwise healthy, on PONs where other crews test other splitters.
/// Faults are mostly 2–8 dB dirty connectors and macrobends, a few cuts.
public struct SimCity: Sendable {
    /// The city as the simulator runs it.
    public var configuration: SimConfiguration
    /// The same city as olt-sim TOML: ``SimConfiguration/init(toml:)`` reads it back to it.
    public var toml: String
    /// The project export for the daemon, one row per splitter, with the design of each path.
    public var projectCSV: String
    public var truth: SimCityTruth

    /// The columns of ``projectCSV``, in order.
    public static let csvColumns = [
        "project_code", "project_name", "acceptance_required", "olt_name", "olt_ip", "olt_dialect", "pon", "svlan",
        "splitter_name", "splitter_ratio", "splitter_ports", "service_test", "plan_mbps", "feeder_km", "drop_m",
        "upstream_ratios", "connectors", "splices",
    ]

    /// Generates a city; the same arguments give the same city on every run and platform.
    /// `faultyShare` (0…1) is about the share of last-level splitters a fault touches (a PON-level
    /// fault touches all of its PON's). Preconditions: 1…1000 OLTs, 1…64 PONs per OLT, 1…4
    /// splitters per PON (behind a 1:4), ports a power of two 2…128, 1…16 crews, `seed` a TOML
    /// integer (at most `Int64.max`).
    public static func random(
        seed: UInt64, olts: Int = 2, ponsPerOLT: Int = 4, splittersPerPON: Int = 4, portsPerSplitter: Int = 8,
        faultyShare: Double = 0.3, crews: Int = 2, faultDB: ClosedRange<Double> = 2...8, readingErrorDB: Double = 0
    ) -> SimCity {
        precondition(faultDB.lowerBound >= 0.1 && faultDB.upperBound <= 20, "faults of 0.1 to 20 dB")
        precondition((0...5).contains(readingErrorDB), "a reading error of 0 to 5 dB")
        precondition(seed <= UInt64(Int64.max), "the seed is written as a TOML integer")
        precondition((1...1000).contains(olts), "1 to 1000 OLTs")
        precondition((1...64).contains(ponsPerOLT), "1 to 64 PONs per OLT")
        precondition((1...4).contains(splittersPerPON), "1 to 4 splitters behind the 1:4 first level")
        precondition(SplitRatio(outputs: portsPerSplitter) != nil, "ports per splitter a power of two, 2 to 128")
        precondition((0...1).contains(faultyShare), "a faulty share from 0 to 1")
        precondition((1...16).contains(crews), "1 to 16 crews per OLT")
        var generator = Generator(
            rng: SplitMix64(seed: seed), olts: olts, pons: ponsPerOLT, splitters: splittersPerPON,
            ports: portsPerSplitter, share: faultyShare, crews: crews, faultDB: faultDB)
        generator.build()
        generator.placeFaults()
        let configuration = SimConfiguration(
            olts: generator.built, registrationSeconds: 2, variationSeed: seed, readingErrorDB: readingErrorDB)
        let truth = SimCityTruth(
            seed: seed, faults: SimCityTruth.faults(of: configuration), crews: generator.crewAssignments())
        return SimCity(
            configuration: configuration, toml: toml(configuration, seed: seed),
            projectCSV: csv(configuration, seed: seed), truth: truth)
    }

    /// The crew that tests splitter `s` of PON `p`: neighbours on a PON go to different crews, so
    /// every PON with two splitters or more is shared by two crews at least.
    static func crew(pon p: Int, splitter s: Int, crews: Int) -> Int { (p + s) % crews }

    /// Draws the city and its faults, in a fixed order from one generator.
    struct Generator {
        var rng: SplitMix64
        let olts: Int
        let pons: Int
        let splitters: Int
        let ports: Int
        let share: Double
        let crews: Int
        let faultDB: ClosedRange<Double>
        var built: [SimOLT] = []

        init(
            rng: SplitMix64, olts: Int, pons: Int, splitters: Int, ports: Int, share: Double, crews: Int,
            faultDB: ClosedRange<Double> = 2...8
        ) {
            self.faultDB = faultDB
            self.rng = rng
            self.olts = olts
            self.pons = pons
            self.splitters = splitters
            self.ports = ports
            self.share = share
            self.crews = crews
        }

        mutating func tenth(_ lower: Double, _ upper: Double) -> Double {
            (rng.next(between: lower, and: upper) * 10).rounded() / 10
        }

        mutating func build() {
            for o in 0..<olts {
                let dialect: VendorDialect = o % 2 == 0 ? .huaweiMA5800 : .zteC300
                let vendor = dialect.isHuawei ? "HWTC" : "ZTEG"
                var ponList: [SimPON] = []
                for p in 0..<pons {
                    let address =
                        dialect.isHuawei
                        ? PONAddress(frame: 0, slot: 1 + p / 16, port: p % 16)
                        : PONAddress(frame: 1, slot: 2 + p / 16, port: 1 + p % 16)
                    let tx = tenth(2.5, 4.0)
                    let feeder = rng.next(between: 0.8, and: 10)
                    var list: [SimSplitter] = []
                    for s in 0..<splitters {
                        let km = (min(12, max(1, feeder + rng.next(between: 0.2, and: 2))) * 10).rounded() / 10
                        list.append(
                            SimSplitter(
                                name: "O\(o)-P\(p)-SP\(s + 1)", ratio: SplitRatio(outputs: ports)!,
                                firstLevelRatio: SplitRatio(outputs: 4)!, fibreKm: km,
                                connectors: rng.next(in: 4...6), splices: rng.next(in: 2...6),
                                dropMetres: Double(rng.next(in: 2...30) * 10)))
                    }
                    ponList.append(SimPON(address: address, oltTxDBm: tx, splitters: list))
                }
                let crewONTs = (0..<crews).map { k in
                    SimCrewONT(serial: ONUSerial(String(format: "%@%04X%04X", vendor, 0xC000 + o % 0x1000, k + 1))!)
                }
                built.append(
                    SimOLT(
                        name: "CITY-OLT-\(o)", address: ManagementAddress("10.77.\(o / 250).\(o % 250 + 1)")!,
                        dialect: dialect, snmp: SimSNMP(port: 0), pons: ponList,
                        cli: SimCLIConfiguration(telnetPort: 0, sshPort: nil), crewONTs: crewONTs))
            }
        }

        /// A fault's size: within `faultDB` (2–8 dB unless asked), a cut now and then where `cuts`
        /// allows one.
        mutating func fault(_ kinds: [SimFaultKind], cuts: Bool) -> PathFault {
            if cuts && rng.unit() < 0.1 { return .brokenFibre }
            return kinds[rng.next(below: kinds.count)].pathFault(db: tenth(faultDB.lowerBound, faultDB.upperBound))
        }

        struct Spot: Hashable {
            var olt: Int
            var pon: Int
            var splitter: Int
        }

        mutating func placeFaults() {
            let total = olts * pons * splitters
            var budget = Int((share * Double(total)).rounded())
            // Splitters that hold a fault or are tested by a faulty crew ONT; PONs with a fault of
            // the whole PON; PONs where a fault of the whole PON would blur another.
            var taken: Set<Spot> = []
            var ponTaken: Set<[Int]> = []
            var ponBusy: Set<[Int]> = []
            if crews >= 2 && splitters >= 2 {
                for o in 0..<olts where budget > 0 && rng.unit() < share {
                    let k = rng.next(below: crews)
                    let mine = spots(olt: o).filter {
                        SimCity.crew(pon: $0.pon, splitter: $0.splitter, crews: crews) == k
                    }
                    guard mine.count >= 2, mine.count <= max(budget, 2) else { continue }
                    built[o].crewONTs[k].faults = [fault([.dirtyConnector], cuts: false)]
                    for spot in mine {
                        taken.insert(spot)
                        ponBusy.insert([o, spot.pon])
                    }
                    budget -= mine.count
                }
            }
            var places: [SimFaultPlace] = [.oltPort, .feeder, .splitterInput, .splitterInput, .splitterPort, .drop]
            while budget > 0 && !places.isEmpty {
                let place = places[rng.next(below: places.count)]
                switch place {
                case .oltPort, .feeder:
                    let candidates = (0..<olts).flatMap { o in (0..<pons).map { [o, $0] } }.filter {
                        !ponTaken.contains($0) && !ponBusy.contains($0)
                    }
                    guard splitters <= budget, !candidates.isEmpty else {
                        places.removeAll { $0 == place }
                        continue
                    }
                    let pick = candidates[rng.next(below: candidates.count)]
                    if place == .oltPort {
                        built[pick[0]].pons[pick[1]].oltPortFaults = [fault([.dirtyConnector], cuts: false)]
                    } else {
                        built[pick[0]].pons[pick[1]].feederFaults = [fault([.macrobend], cuts: true)]
                    }
                    ponTaken.insert(pick)
                    budget -= splitters
                case .splitterInput, .splitterPort, .drop:
                    let candidates = (0..<olts).flatMap { spots(olt: $0) }.filter {
                        !taken.contains($0) && !ponTaken.contains([$0.olt, $0.pon])
                    }
                    guard !candidates.isEmpty else {
                        places.removeAll { $0 == place }
                        continue
                    }
                    let spot = candidates[rng.next(below: candidates.count)]
                    if place == .splitterInput {
                        built[spot.olt].pons[spot.pon].splitters[spot.splitter].faults = [
                            fault([.dirtyConnector, .macrobend], cuts: true)
                        ]
                    } else {
                        // One faulty port, sometimes two: the other ports of the splitter stay healthy.
                        var numbers = [rng.next(in: 1...ports)]
                        if ports > 2 && rng.unit() < 0.3 {
                            let second = rng.next(in: 1...ports)
                            if second != numbers[0] { numbers.append(second) }
                        }
                        for (i, n) in numbers.enumerated() {
                            let here = i == 0 ? place : (rng.unit() < 0.5 ? .splitterPort : .drop)
                            var port = SimSplitterPort(number: n)
                            if here == .splitterPort {
                                port.connectorFaults = [fault([.dirtyConnector], cuts: false)]
                            } else {
                                port.dropFaults = [fault([.macrobend, .dirtyConnector], cuts: true)]
                            }
                            built[spot.olt].pons[spot.pon].splitters[spot.splitter].ports.append(port)
                        }
                        built[spot.olt].pons[spot.pon].splitters[spot.splitter].ports.sort { $0.number < $1.number }
                    }
                    taken.insert(spot)
                    ponBusy.insert([spot.olt, spot.pon])
                    budget -= 1
                case .ontConnector:
                    places.removeAll { $0 == place }
                }
            }
        }

        func spots(olt o: Int) -> [Spot] {
            (0..<pons).flatMap { p in (0..<splitters).map { Spot(olt: o, pon: p, splitter: $0) } }
        }

        func crewAssignments() -> [SimCityCrew] {
            built.enumerated().flatMap { o, olt in
                olt.crewONTs.enumerated().map { k, ont in
                    SimCityCrew(
                        olt: olt.address.description, oltName: olt.name, ontSerial: ont.serial.description,
                        splitters: spots(olt: o).filter {
                            SimCity.crew(pon: $0.pon, splitter: $0.splitter, crews: crews) == k
                        }.map {
                            SimCitySplitterRef(
                                pon: olt.pons[$0.pon].address.description,
                                splitter: olt.pons[$0.pon].splitters[$0.splitter].name)
                        })
                }
            }
        }
    }
}
