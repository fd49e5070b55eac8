import DiagnosisLab
import FTTHCore
import OLTSim
import Testing

/// Generated cities with faults at known places, tested through the engine on olt-sim like
/// crews would, then diagnosed: the diagnosis must find what olt-sim put there.
@Suite("Diagnosis end to end on generated cities")
struct DiagnosisEndToEndTests {
    @Test("every faulty splitter and nearly every port is located; healthy ports get no diagnosis", arguments: [7, 11])
    func generatedCity(seed: Int) async throws {
        let city = SimCity.random(seed: UInt64(seed), olts: 1, ponsPerOLT: 4, splittersPerPON: 3, faultyShare: 0.4)
        let run = try await CityRun.run(city)
        #expect(run.ports.count == 4 * 3 * 8)
        #expect(run.ports.allSatisfy { $0.diagnosis != nil })
        let faulty = run.ports.filter { $0.truth != .none }
        #expect(!faulty.isEmpty, "the city has faults")
        let located = faulty.filter { $0.diagnosis?.place == $0.truth }
        #expect(
            Double(located.count) >= 0.9 * Double(faulty.count),
            "\(faulty.filter { $0.diagnosis?.place != $0.truth }.map { "\($0.port): \($0.truth) ≠ \($0.diagnosis?.summary ?? "-")" })"
        )
        let healthy = run.ports.filter { $0.truth == .none }
        let alarms = healthy.filter { $0.diagnosis?.place != Diagnosis.Place.none }
        #expect(
            alarms.count <= max(1, healthy.count / 50),
            "\(alarms.map { "\($0.port): \($0.diagnosis?.summary ?? "-")" })")
        for s in run.splitters {
            #expect(s.summary?.place == s.truth, "\(s.splitter): \(s.truth) ≠ \(s.summary?.summary ?? "-")")
        }
    }

    @Test(
        "without the design or a ranged distance, the PON port's best link is the reference: all but PON-wide faults are found"
    )
    func withoutDesign() async throws {
        let city = SimCity.random(seed: 5, olts: 1, ponsPerOLT: 3, splittersPerPON: 3, faultyShare: 0.4)
        let run = try await CityRun.run(city, design: false)
        #expect(run.ports.allSatisfy { $0.diagnosis?.basis == nil || $0.diagnosis?.basis == .peers })
        // A loss the whole PON port shares is in its best link too: the peer reference cannot see it.
        let faulty = run.ports.filter { $0.truth != .none && $0.truth != .oltOrFeeder }
        #expect(!faulty.isEmpty)
        let located = faulty.filter { $0.diagnosis?.place == $0.truth }
        #expect(Double(located.count) >= 0.9 * Double(faulty.count))
        let healthy = run.ports.filter { $0.truth == .none }
        #expect(healthy.allSatisfy { $0.diagnosis?.place == Diagnosis.Place.none })
    }
}
