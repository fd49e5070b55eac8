import FTTHCore
import Testing

@testable import FTTHWeb

/// A verdict said in the reader's language, from what FTTHCore decided: the value, the limit,
/// how far off, and what to try first.
@Suite("Verdict reasons in the crew's language")
struct VerdictWordsTests {
    static let strings = try! WebStrings.load()
    static let port = PortKey(projectCode: "P1", splitter: "RC-C2-SP01", port: 3)
    static let build = ThresholdProfile(
        name: "build", minONURx: DBm(-20), maxONURx: DBm(-8), minOLTRx: DBm(-28),
        maxDownstreamAttenuation: Decibels(28), maxUpstreamAttenuation: Decibels(28))

    static func readings(onuRx: PowerReading, oltTx: PowerReading = .dBm(DBm(3))) -> OpticalReadings {
        OpticalReadings(oltTx: oltTx, oltRx: .dBm(DBm(-22.5)), onuTx: .dBm(DBm(2.1)), onuRx: onuRx)
    }

    static func words(_ readings: OpticalReadings, _ language: WebLanguage, serial: ONUSerial? = nil) -> VerdictWords {
        let verdict = build.evaluate(readings, for: JudgedPort(port: port, serial: serial))
        return VerdictWords(
            verdict, readings: readings, port: port, serial: serial, strings: strings, language: language)
    }

    @Test func lowLightSaysValueLimitShortfallAndCleaningFirst() {
        let readings = Self.readings(onuRx: .dBm(DBm(-20.96)))
        let zh = Self.words(readings, .zh)
        #expect(zh.reasons == ["光猫收光 -20.96 dBm，低于建设门限 -20.00 dBm，差 0.96 dB。 先清洁并复查连接器，再查熔接点和弯折。"])
        #expect(zh.warnings.isEmpty)
        #expect(zh.headline == nil)
        let en = Self.words(readings, .en)
        #expect(
            en.reasons == [
                "ONU receives -20.96 dBm, 0.96 dB below the build limit of -20.00 dBm. Clean and re-inspect the connectors first, then check splices and bends."
            ])
    }

    @Test func overloadSaysSoAndNotCleaning() {
        let en = Self.words(Self.readings(onuRx: .dBm(DBm(-6.5))), .en)
        #expect(en.reasons.count == 1)
        #expect(en.reasons[0].contains("1.50 dB above the overload limit of -8.00 dBm"))
        #expect(!en.reasons[0].contains("Clean"))
    }

    /// Advisory checks (the operator's rule: attenuation budgets only warn) come apart, and a
    /// missing OLT tx makes downstream loss unjudgeable with the cause named.
    @Test func advisoryChecksAreWarningsWithTheMissingReadingNamed() {
        let readings = Self.readings(onuRx: .dBm(DBm(-18)), oltTx: .missing(.sentinel, raw: "2147483647"))
        let zh = Self.words(readings, .zh)
        #expect(zh.reasons.isEmpty)
        #expect(zh.warnings == ["下行衰减无法判定：OLT 发送光功率无读数（设备报告无值）。"])
        let en = Self.words(readings, .en)
        #expect(
            en.warnings == ["Downstream loss cannot be judged: OLT sends: no reading (the device reported no value)."])
    }

    @Test func anOfflineONUGetsOneHeadlineNamingTheONTAndPort() throws {
        let offline = PowerReading.missing(.onuOffline)
        let readings = OpticalReadings(oltTx: .dBm(DBm(3)), oltRx: offline, onuTx: offline, onuRx: offline)
        let serial = try #require(ONUSerial("HWTC1234ABCD"))
        let zh = Self.words(readings, .zh, serial: serial)
        #expect(zh.headline == zh.reasons.first)
        #expect(zh.reasons.count == 1)
        #expect(zh.warnings.isEmpty)
        #expect(zh.headline?.contains("测试光猫 HWTC1234ABCD") == true)
        #expect(zh.headline?.contains("分光器 RC-C2-SP01 的 3 号端口") == true)
        let en = Self.words(readings, .en)
        #expect(
            en.headline?.contains("Check that the test ONT is powered and plugged into splitter RC-C2-SP01 port 3")
                == true)
    }

    /// A result recorded before limits were kept with it keeps FTTHCore's sentence.
    @Test func aResultWithoutItsLimitsFallsBackToTheRecordedSentence() {
        let readings = Self.readings(onuRx: .dBm(DBm(-21)))
        var verdict = Self.build.evaluate(readings)
        verdict.limits = nil
        let words = VerdictWords(
            verdict, readings: readings, port: Self.port, serial: nil, strings: Self.strings, language: .zh)
        #expect(words.reasons == verdict.reasons)
    }

    @Test func everyKeyIsInBothLanguages() {
        var keys = ["why_low_light_hint", "why_unjudgeable", "why_offline", "why_offline_ont", "why_offline_any_ont"]
        keys += CheckResult.Check.allCases.flatMap { ["why_fail_\($0.rawValue)", "why_check_\($0.rawValue)"] }
        keys += ["absent", "sentinel", "out_of_range", "garbled", "onu_offline", "refused"].map { "why_cause_\($0)" }
        for language in WebLanguage.allCases {
            for key in keys { #expect(Self.strings.strings(language)[key] != nil, "\(language) \(key)") }
        }
    }
}
