import FTTHConfig
import FTTHCore
import Foundation
import Testing

@testable import OLTSim

@Suite("olt-sim random city")
struct SimCityTests {
    static let seeds: [UInt64] = Array(0..<24)

    @Test func theSameSeedGivesTheSameCity() {
        let a = SimCity.random(seed: 99)
        let b = SimCity.random(seed: 99)
        #expect(a.toml == b.toml)
        #expect(a.projectCSV == b.projectCSV)
        #expect(a.truth == b.truth)
        #expect(SimCity.random(seed: 100).toml != a.toml)
    }

    @Test func theCityHasTheAskedShape() {
        let city = SimCity.random(seed: 5, olts: 3, ponsPerOLT: 2, splittersPerPON: 3, crews: 2)
        let c = city.configuration
        #expect(c.variationSeed == 5)
        #expect(c.olts.map(\.dialect) == [.huaweiMA5800, .zteC300, .huaweiMA5800])
        #expect(c.olts.allSatisfy { $0.snmp.port == 0 && $0.cli?.telnetPort == 0 && $0.crewONTs.count == 2 })
        let splitters = c.olts.flatMap(\.pons).flatMap(\.splitters)
        #expect(splitters.count == 18)
        #expect(Set(splitters.map(\.name)).count == 18)
        for s in splitters {
            #expect(s.ratio == SplitRatio(outputs: 8) && s.firstLevelRatio == SplitRatio(outputs: 4))
            #expect((1...12).contains(s.fibreKm) && (20...300).contains(s.dropMetres))
            #expect((4...6).contains(s.connectors) && (2...6).contains(s.splices))
            #expect(s.onts.isEmpty)
        }
    }

    @Test func theProjectExportDescribesTheDesign() throws {
        let city = SimCity.random(seed: 3)
        let lines = city.projectCSV.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "project_code,project_name,acceptance_required,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,service_test,plan_mbps,feeder_km,drop_m,upstream_ratios,connectors,splices"
        )
        let olt = city.configuration.olts[0]
        let s = olt.pons[0].splitters[0]
        let row = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row.count == 18)
        #expect(row[3] == olt.name && row[4] == olt.address.description && row[5] == "huawei-ma5800")
        #expect(row[6] == "0/1/0" && row[8] == s.name && row[9] == "1:8")
        #expect(Double(row[13]) == s.fibreKm && Double(row[14]) == s.dropMetres && row[15] == "1:4")
        #expect(Int(row[16]) == s.connectors && Int(row[17]) == s.splices)
        #expect(lines.count == 1 + city.configuration.olts.flatMap(\.pons).flatMap(\.splitters).count)
    }

    @Test(arguments: seeds)
    func theTruthIsUnambiguous(seed: UInt64) {
        let city = SimCity.random(seed: seed, olts: 2, ponsPerOLT: 4, splittersPerPON: 4, faultyShare: 0.5, crews: 3)
        let faults = city.truth.faults
        #expect(faults == SimCityTruth.faults(of: city.configuration))
        func faultsOn(_ olt: String, _ pon: String) -> [SimCityFault] {
            faults.filter { $0.olt == olt && $0.pon == pon }
        }
        func crew(testing splitter: String) -> SimCityCrew? {
            city.truth.crews.first { $0.splitters.contains { $0.splitter == splitter } }
        }
        for f in faults {
            if f.kind == .broken { #expect(f.db == nil) } else { #expect(f.db.map { (2...8).contains($0) } == true) }
            switch f.place {
            case .oltPort, .feeder:
                #expect(faultsOn(f.olt, f.pon!) == [f], "a PON-wide fault is the PON's only one")
                let onPON = city.truth.crews.filter { $0.olt == f.olt }.flatMap(\.splitters).filter { $0.pon == f.pon }
                for ref in onPON {
                    let tester = crew(testing: ref.splitter)!
                    #expect(!faults.contains { $0.place == .ontConnector && $0.ontSerial == tester.ontSerial })
                }
            case .splitterInput:
                #expect(faults.filter { $0.splitter == f.splitter } == [f], "no port fault behind a faulty input")
            case .splitterPort, .drop:
                #expect(f.port != nil)
                #expect(!faults.contains { $0.splitter == f.splitter && $0.place == .splitterInput })
                #expect(!faultsOn(f.olt, f.pon!).contains { $0.place == .oltPort || $0.place == .feeder })
            case .ontConnector:
                let tester = city.truth.crews.first { $0.olt == f.olt && $0.ontSerial == f.ontSerial }!
                #expect(tester.splitters.count >= 2)
                for ref in tester.splitters {
                    #expect(!faults.contains { $0.splitter == ref.splitter }, "its splitters are otherwise healthy")
                    #expect(!faultsOn(f.olt, ref.pon).contains { $0.place == .oltPort || $0.place == .feeder })
                    let others = city.truth.crews.filter {
                        $0.olt == f.olt && $0.ontSerial != f.ontSerial && $0.splitters.contains { $0.pon == ref.pon }
                    }
                    #expect(!others.isEmpty, "another crew tests another splitter of the PON")
                }
            }
        }
        // Some of the city is healthy: a splitter no fault touches.
        let touched = Set(faults.compactMap(\.splitter))
        let ponWide = Set(faults.filter { $0.place == .oltPort || $0.place == .feeder }.compactMap(\.pon))
        #expect(
            city.configuration.olts.flatMap(\.pons).contains { pon in
                !ponWide.contains(pon.address.description) && pon.splitters.contains { !touched.contains($0.name) }
            })
    }

    @Test func acrossSeedsEveryPlaceTurnsUp() {
        let places = Set(
            Self.seeds.flatMap {
                SimCity.random(seed: $0, olts: 2, ponsPerOLT: 4, splittersPerPON: 4, faultyShare: 0.5, crews: 3)
                    .truth.faults.map(\.place)
            })
        #expect(places == Set(SimFaultPlace.allCases))
    }

    @Test func aHealthyCityHasNoFaults() {
        #expect(SimCity.random(seed: 1, faultyShare: 0).truth.faults.isEmpty)
    }

    @Test func theTruthReadsBackFromJSON() throws {
        let truth = SimCity.random(seed: 11, faultyShare: 0.6).truth
        let json = try JSONEncoder().encode(truth)
        #expect(try JSONDecoder().decode(SimCityTruth.self, from: json) == truth)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"olt_name\""))
    }

    @Test(arguments: [UInt64(2), 17, 23])
    func theTOMLLoadsBackToTheSameCity(seed: UInt64) throws {
        let city = SimCity.random(seed: seed, faultyShare: 0.5)
        let parsed = try SimConfiguration(toml: city.toml)
        #expect(SimCity.toml(parsed, seed: seed) == city.toml)
        #expect(SimCityTruth.faults(of: parsed) == city.truth.faults)
        #expect(parsed.variationSeed == seed)
        // The same readings, port by port, with each crew's ONT.
        let clock = ManualSimClock()
        let a = OLTSimulator(configuration: city.configuration, clock: clock)
        let b = OLTSimulator(configuration: parsed, clock: clock)
        for crew in city.truth.crews {
            let serial = ONUSerial(crew.ontSerial)!
            let index = city.configuration.olts.firstIndex { $0.address.description == crew.olt }!
            for ref in crew.splitters.prefix(2) {
                let pon = PONAddress(ref.pon)!
                var ids: [Int] = []
                for sim in [a, b] {
                    ids.append(
                        try sim.olts[index].configure(
                            pon: pon, id: nil, serial: serial, name: "t", lineProfile: "ftth-test",
                            serviceProfile: "ftth-test"))
                }
                clock.advance(by: 10)
                for port in 1...8 {
                    let readings = zip([a, b], ids).map { sim, id in
                        sim.olts[index].plug(serial, pon: pon, splitter: ref.splitter, port: port)
                        return sim.olts[index].observe(pon: pon, id: id)
                    }
                    #expect(readings[0] == readings[1])
                }
                for (sim, id) in zip([a, b], ids) { sim.olts[index].remove(pon: pon, id: id) }
            }
        }
    }
}
