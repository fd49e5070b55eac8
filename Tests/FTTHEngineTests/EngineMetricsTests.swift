import FTTHCore
import FTTHEngine
import FTTHMetrics
import FTTHPrometheus
import Foundation
import Testing

/// Port tests on olt-sim measured into a registry of the test's own: how they ended, each step's
/// duration, and every OLT command by OLT, dialect and operation.
@Suite(.timeLimit(.minutes(2))) struct EngineMetricsTests {
    static let olt = ["olt": "10.20.0.1", "dialect": "huawei-ma5600t"]

    @Test func aPortTestCountsItsOutcomeItsStepsAndItsOLTCommands() async throws {
        let rig = try await EngineRig().imported()
        let factory = CatalogueMetricsFactory()
        let engine = rig.engine(metrics: EngineMetrics(factory: factory), oltMetrics: OLTMetrics(factory: factory))
        let ended = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let verdict = try await rig.store.lineResults(EngineRig.port(3)).first?.verdict.verdict
        let row = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
        try await engine.deactivatePort(row)

        let samples = ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        let tests = FTTHMetric.portTests.rawValue
        #expect(samples[tests, ["outcome": verdict == .pass ? "pass" : "fail_line"]] == 1)
        #expect(samples[tests, ["outcome": "error"]] == 0, "every outcome is there from the start")
        let steps = "\(FTTHMetric.portTestStepDuration.rawValue)_count"
        for step in ["provisioning", "awaiting_online", "reading", "removal"] {
            #expect(samples[steps, ["step": step, "result": "ok"]] == 1, "\(step)")
        }
        // The ONU registers after 20 s on the simulated clock and is asked every 5 s: the wait
        // is timed on the engine's clock, so it is the same at every run.
        let waited = try #require(
            samples["\(FTTHMetric.portTestStepDuration.rawValue)_sum", ["step": "awaiting_online", "result": "ok"]])
        #expect(waited >= 20 && waited <= 30, "\(waited)")

        let commands = "\(FTTHMetric.oltCommandDuration.rawValue)_count"
        #expect(samples[commands, Self.olt.merging(["operation": "provision"]) { $1 }] == 1)
        #expect(samples[commands, Self.olt.merging(["operation": "read_optics"]) { $1 }] == 1)
        #expect((samples[commands, Self.olt.merging(["operation": "run_state"]) { $1 }] ?? 0) >= 1)
        #expect(samples[commands, Self.olt.merging(["operation": "remove"]) { $1 }] == 1)
        #expect(!samples.values.keys.contains { $0.hasPrefix(FTTHMetric.oltCommandErrors.rawValue) })
        // Nothing of the subscriber's side in a label: no serial, project, splitter or port.
        let text = String(decoding: factory.registry.emitToBuffer(), as: UTF8.self)
        for secret in ["HWTC7E570001", "P1", "SP-A", "0/1/0"] { #expect(!text.contains(secret), "\(secret)") }
    }

    @Test func aRunThatGivesUpCountsAnErrorAndTheOLTsFailuresByCode() async throws {
        let rig = try await EngineRig().imported()
        rig.drivers.failures.set(10)
        let factory = CatalogueMetricsFactory()
        let engine = rig.engine(
            maxAttempts: 2, metrics: EngineMetrics(factory: factory), oltMetrics: OLTMetrics(factory: factory))
        let ended = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(ended.step == .failed)

        let samples = ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        #expect(samples[FTTHMetric.portTests.rawValue, ["outcome": "error"]] == 1)
        #expect(samples[FTTHMetric.portTests.rawValue, ["outcome": "pass"]] == 0)
        let steps = "\(FTTHMetric.portTestStepDuration.rawValue)_count"
        #expect(samples[steps, ["step": "provisioning", "result": "error"]] == 2)
        let errors = FTTHMetric.oltCommandErrors.rawValue
        let failed = samples.values.filter { $0.key.hasPrefix("\(errors){") }
        #expect(failed.values.reduce(0, +) == 2, "\(failed)")
        #expect(failed.keys.allSatisfy { $0.contains(#"code="unreachable""#) }, "\(failed)")
    }
}
