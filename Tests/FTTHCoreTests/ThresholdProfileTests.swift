import FTTHCore
import Foundation
import PropertyBased
import Testing

/// `ThresholdProfile` and its `evaluate` (DESIGN §3).
@Suite("Threshold profiles")
struct ThresholdProfileTests {
    typealias Check = CheckResult.Check

    // MARK: Defaults

    @Test("the build profile has the DESIGN §3 limits")
    func buildDefaults() {
        let p = ThresholdProfile.build
        #expect(p.name == "build")
        #expect(p.minONURx == DBm(centi: -2000))
        #expect(p.maxONURx == DBm(centi: -800))
        #expect(p.minOLTRx == DBm(centi: -2800))
        #expect(p.maxDownstreamAttenuation == Decibels(centi: 2800))
        #expect(p.maxUpstreamAttenuation == Decibels(centi: 2800))
        #expect(p.validationProblems().isEmpty)
    }

    @Test("the user profile differs from build only in the ONU rx minimum, −27 dBm")
    func userDefaults() {
        let p = ThresholdProfile.user
        #expect(p.name == "user")
        #expect(p.minONURx == DBm(centi: -2700))
        var asBuild = p
        asBuild.name = "build"
        asBuild.minONURx = ThresholdProfile.build.minONURx
        #expect(asBuild == ThresholdProfile.build)
        #expect(p.validationProblems().isEmpty)
        #expect(ThresholdProfile.defaults == [.build, .user])
    }

    @Test("validation names a minimum above the maximum and negative budgets")
    func validation() {
        let p = ThresholdProfile(
            name: "odd", minONURx: DBm(-5), maxONURx: DBm(-8), maxDownstreamAttenuation: Decibels(centi: -1),
            maxUpstreamAttenuation: Decibels(-2))
        let problems = p.validationProblems()
        #expect(problems.map(\.key) == [.minONURx, .maxDownstreamAttenuation, .maxUpstreamAttenuation])
        #expect(
            problems.contains(ThresholdProblem(key: .minONURx, message: "-5.00 dBm is above max_onu_rx_dbm -8.00 dBm")))
        #expect(problems.map(\.description).contains("max_downstream_attenuation_db -0.01 dB is negative"))
        #expect(problems.map(\.description).contains("max_upstream_attenuation_db -2.00 dB is negative"))
        #expect(ThresholdProfile(name: "equal", minONURx: DBm(-8), maxONURx: DBm(-8)).validationProblems().isEmpty)
        #expect(ThresholdProfile(name: "zero", maxDownstreamAttenuation: Decibels(0)).validationProblems().isEmpty)
    }

    // MARK: Verdicts

    @Test("healthy readings pass both profiles with one passing result per check, in a fixed order")
    func healthyPasses() {
        for profile in ThresholdProfile.defaults {
            let v = profile.evaluate(healthyReadings)
            #expect(v.verdict == .pass)
            #expect(v.reasons.isEmpty)
            #expect(v.profile == profile.name)
            #expect(v.checks.map(\.check) == Check.allCases)
            #expect(v.checks.allSatisfy { $0.outcome == .pass && !$0.reason.isEmpty })
            #expect(v.downstreamAttenuation == Decibels(centi: 2100))
            #expect(v.upstreamAttenuation == Decibels(centi: 2400))
        }
    }

    @Test("ONU rx −21.40 dBm fails build with value, limit, margin and what to try first, and passes user")
    func buildVersusUser() throws {
        let r = readings(oltTx: 300, oltRx: -2200, onuTx: 200, onuRx: -2140)
        let build = ThresholdProfile.build.evaluate(r)
        #expect(build.verdict == .fail)
        let reason = try #require(build.reasons.first)
        #expect(build.reasons.count == 1)
        #expect(reason.contains("ONU rx -21.40 dBm below build limit -20.00 dBm"))
        #expect(reason.contains("by 1.40 dB"))
        #expect(reason.contains("clean"))
        #expect(reason.contains("connectors"))
        #expect(build.checks.first { $0.check == .minONURx }?.outcome == .fail)

        let user = ThresholdProfile.user.evaluate(r)
        #expect(user.verdict == .pass)
        #expect(user.reasons.isEmpty)
        #expect(user.checks.first?.reason == "ONU rx -21.40 dBm at or above user limit -27.00 dBm")
    }

    @Test("every failure reason names the value and the limit; low light names cleaning the connectors")
    func failureReasons() throws {
        // Too little light at the ONU and the OLT, too much loss both ways.
        let weak = readings(oltTx: 150, oltRx: -2850, onuTx: 50, onuRx: -2780)
        let v = ThresholdProfile.build.evaluate(weak)
        #expect(v.verdict == .fail)
        // Only the ONU rx check binds by default; the other three warn.
        #expect(v.reasons.count == 1)
        #expect(v.warnings.count == 3)
        let byCheck = Dictionary(uniqueKeysWithValues: v.checks.map { ($0.check, $0) })
        let minONU = try #require(byCheck[.minONURx])
        #expect(minONU.reason.hasPrefix("ONU rx -27.80 dBm below build limit -20.00 dBm by 7.80 dB"))
        let minOLT = try #require(byCheck[.minOLTRx])
        #expect(minOLT.reason.hasPrefix("OLT rx -28.50 dBm below build limit -28.00 dBm by 0.50 dB"))
        let down = try #require(byCheck[.maxDownstreamAttenuation])
        #expect(down.reason.hasPrefix("downstream attenuation 29.30 dB exceeds build budget 28.00 dB by 1.30 dB"))
        let up = try #require(byCheck[.maxUpstreamAttenuation])
        #expect(up.reason.hasPrefix("upstream attenuation 29.00 dB exceeds build budget 28.00 dB by 1.00 dB"))
        for result in [minONU, minOLT, down, up] {
            #expect(result.outcome == .fail)
            #expect(result.reason.contains("clean and re-inspect the connectors"))
        }
        #expect(byCheck[.maxONURx]?.outcome == .pass)
    }

    @Test("an overloaded receiver fails with a reason about the missing attenuation, not about cleaning")
    func overload() throws {
        let hot = readings(oltTx: 300, oltRx: -2200, onuTx: 200, onuRx: -799)
        let v = ThresholdProfile.build.evaluate(hot)
        #expect(v.verdict == .fail)
        let reason = try #require(v.reasons.first)
        #expect(v.reasons.count == 1)
        #expect(reason.contains("ONU rx -7.99 dBm above overload limit -8.00 dBm by 0.01 dB"))
        #expect(reason.contains("attenuator"))
        #expect(!reason.contains("clean"))
    }

    @Test("a profile with no checks passes anything, even no readings at all")
    func emptyProfile() {
        let none = ThresholdProfile(name: "none")
        let missing = OpticalReadings(
            oltTx: .missing(.absent), oltRx: .missing(.sentinel, raw: "-80000"), onuTx: .missing(.garbled, raw: "x"),
            onuRx: .missing(.onuOffline))
        for r in [healthyReadings, missing] {
            let v = none.evaluate(r)
            #expect(v.verdict == .pass)
            #expect(v.checks.isEmpty)
            #expect(v.reasons.isEmpty)
        }
    }

    // MARK: Missing values

    @Test("no readings at all: every check is unjudgeable, with one 'no reading' reason each")
    func allMissing() {
        let r = OpticalReadings(
            oltTx: PowerReading(parsingDBm: ""), oltRx: PowerReading(parsingDBm: "-80000"),
            onuTx: PowerReading(parsingDBm: "2147483647"), onuRx: PowerReading(parsingDBm: "-/-"))
        let v = ThresholdProfile.build.evaluate(r)
        #expect(v.verdict == .fail)
        #expect(v.checks.count == 5)
        #expect(v.checks.allSatisfy { $0.outcome == .unjudgeable })
        #expect(v.reasons.count == 2)
        #expect(
            (v.reasons + v.warnings).allSatisfy { $0.contains("no reading") && $0.contains("cannot judge against") })
        #expect(v.downstreamAttenuation == nil)
        #expect(v.upstreamAttenuation == nil)
        #expect(
            v.reasons == [
                "ONU rx: no reading (device reported no value), raw \"-/-\"; cannot judge against build limit -20.00 dBm",
                "ONU rx: no reading (device reported no value), raw \"-/-\"; cannot judge against overload limit -8.00 dBm",
            ])
        #expect(
            v.warnings == [
                "OLT rx: no reading (device reported no value), raw \"-80000\"; cannot judge against build limit -28.00 dBm",
                "downstream attenuation not computable, OLT tx: no reading; cannot judge against build budget 28.00 dB",
                "upstream attenuation not computable, ONU tx: no reading (device reported no value), raw \"2147483647\"; "
                    + "cannot judge against build budget 28.00 dB",
            ])
    }

    @Test("a missing ONU rx fails exactly the three checks that need it")
    func missingONURx() {
        let r = OpticalReadings(
            oltTx: power(300), oltRx: power(-2200), onuTx: power(200), onuRx: .missing(.outOfRange, raw: "-60"))
        let v = ThresholdProfile.build.evaluate(r)
        #expect(v.verdict == .fail)
        #expect(v.reasons.count == 2)
        let unjudged = v.checks.filter { $0.outcome == .unjudgeable }.map(\.check)
        #expect(unjudged == [.minONURx, .maxONURx, .maxDownstreamAttenuation])
        #expect((v.reasons + v.warnings).allSatisfy { $0.contains("no reading (value out of range), raw \"-60\"") })
        #expect(v.warnings == [v.checks[3].reason])
        #expect(v.warnings[0].hasPrefix("downstream attenuation not computable, ONU rx"))
    }

    @Test("an ONU that never came online gives the crew one reason naming the test ONT, splitter and port")
    func offline() throws {
        let r = OpticalReadings(
            oltTx: power(300), oltRx: .missing(.onuOffline), onuTx: .missing(.onuOffline), onuRx: .missing(.onuOffline))
        let port = PortKey(projectCode: "P1", splitter: "花园 SP-3", port: 5)
        let v = ThresholdProfile.user.evaluate(r, for: JudgedPort(port: port, serial: ONUSerial("HWTC7E570001")))
        #expect(v.verdict == .fail)
        let reason = try #require(v.reasons.first)
        #expect(v.reasons.count == 1)
        #expect(v.warnings.isEmpty)
        #expect(reason.contains("never came online"))
        #expect(reason.contains("HWTC7E570001"))
        #expect(reason.contains("splitter 花园 SP-3 port 5"))
        #expect(reason.contains("plugged"))
        // The per-check details stay for the API.
        #expect(v.checks.count == 5)
        #expect(v.checks.allSatisfy { $0.outcome == .unjudgeable && $0.reason.contains("ONU offline") })
        #expect(v.summary == "line fail (user): \(reason)")
    }

    @Test("the operator's rule: a real MA5800 port at ONU rx −20.00 dBm passes build, its 28.36 dB upstream a warning")
    func operatorRuleAtBuild() throws {
        let r = readings(oltTx: 300, oltRx: -2620, onuTx: 216, onuRx: -2000)
        let v = ThresholdProfile.build.evaluate(r)
        #expect(v.verdict == .pass)
        #expect(v.reasons.isEmpty)
        let warning = try #require(v.warnings.first)
        #expect(v.warnings.count == 1)
        #expect(warning.hasPrefix("upstream attenuation 28.36 dB exceeds build budget 28.00 dB by 0.36 dB"))
        #expect(v.summary.hasPrefix("line pass (build); warning: upstream attenuation 28.36 dB"))
        #expect(v.limits == .build)
    }

    @Test("the operator's rule at the user: ONU rx −26.99 dBm passes, OLT rx −28.54 dBm only warns")
    func operatorRuleAtUser() throws {
        let r = readings(oltTx: 300, oltRx: -2854, onuTx: 200, onuRx: -2699)
        let v = ThresholdProfile.user.evaluate(r)
        #expect(v.verdict == .pass)
        #expect(v.warnings.contains { $0.hasPrefix("OLT rx -28.54 dBm below user limit -28.00 dBm") })
        // Made binding, the same check fails the port.
        var strict = ThresholdProfile.user
        strict.advisory.remove(.minOLTRx)
        let failed = strict.evaluate(r)
        #expect(failed.verdict == .fail)
        #expect(failed.reasons.contains { $0.hasPrefix("OLT rx -28.54 dBm below user limit -28.00 dBm") })
        // And ONU rx one hundredth below the limit fails even the default.
        #expect(
            ThresholdProfile.user.evaluate(readings(oltTx: 300, oltRx: -2200, onuTx: 200, onuRx: -2701)).verdict
                == .fail)
    }

    @Test("records from before bindings decode as they were judged: every check binding")
    func oldRecordsDecode() throws {
        let profileJSON = #"{"name":"build","minONURx":{"centi":-2000},"minOLTRx":{"centi":-2800}}"#
        let profile = try JSONDecoder().decode(ThresholdProfile.self, from: Data(profileJSON.utf8))
        #expect(profile.advisory.isEmpty)
        let checkJSON = #"{"check":"min_olt_rx","outcome":"fail","reason":"OLT rx low"}"#
        let check = try JSONDecoder().decode(CheckResult.self, from: Data(checkJSON.utf8))
        #expect(check.binding)
        // And a profile survives a round trip with its bindings.
        let again = try JSONDecoder().decode(ThresholdProfile.self, from: JSONEncoder().encode(ThresholdProfile.user))
        #expect(again == .user)
    }

    @Test("for any set of missing powers, exactly the checks needing one are unjudgeable, one reason each")
    func missingSubsets() async {
        let maybe = Gen.int(in: -2000...(-1000)).optional(valueRate: 0.6)
        await propertyCheck(input: maybe, maybe, maybe, maybe) { oltTx, oltRx, onuTx, onuRx in
            // Healthy values where present, so a check that can be judged passes.
            let r = readings(
                oltTx: oltTx.map { _ in 300 }, oltRx: oltRx.map { _ in -2200 }, onuTx: onuTx.map { _ in 200 },
                onuRx: onuRx.map { _ in -1800 })
            let v = Self.allBinding(.build).evaluate(r)
            var expected: [Check] = []
            if onuRx == nil { expected += [.minONURx, .maxONURx] }
            if oltRx == nil { expected.append(.minOLTRx) }
            if oltTx == nil || onuRx == nil { expected.append(.maxDownstreamAttenuation) }
            if onuTx == nil || oltRx == nil { expected.append(.maxUpstreamAttenuation) }
            #expect(v.checks.filter { $0.outcome == .unjudgeable }.map(\.check) == expected)
            #expect(v.checks.allSatisfy { $0.outcome != .fail })
            #expect(v.reasons.count == expected.count)
            #expect(v.reasons.allSatisfy { $0.contains("no reading") })
            #expect(v.verdict == (expected.isEmpty ? .pass : .fail))
        }
    }

    @Test("the verdict passes exactly when there are no reasons, with one reason per failed or unjudgeable check")
    func verdictAndReasons() async {
        let maybe = Gen.int(in: -3500...800).optional(valueRate: 0.85)
        let profiles = oneOf(ThresholdProfile.defaults + [ThresholdProfile(name: "none")])
        await propertyCheck(input: maybe, maybe, maybe, zip(maybe, profiles)) { oltTx, oltRx, onuTx, last in
            let (onuRx, profile) = last
            let v = profile.evaluate(readings(oltTx: oltTx, oltRx: oltRx, onuTx: onuTx, onuRx: onuRx))
            #expect((v.verdict == .pass) == v.reasons.isEmpty)
            #expect(v.reasons.count == v.checks.filter { $0.binding && $0.outcome != .pass }.count)
            #expect(v.warnings.count == v.checks.filter { !$0.binding && $0.outcome != .pass }.count)
            #expect(v.checks.allSatisfy { $0.binding == profile.binds($0.check) })
            #expect(v.checks.allSatisfy { !$0.reason.isEmpty })
            #expect(v.profile == profile.name)
        }
    }

    // MARK: Limits are exact

    /// Readings that put the value `check` judges at `value` hundredths, everything else neutral.
    static func judging(_ check: Check, at value: Int, oltTx: Int) -> OpticalReadings {
        switch check {
        case .minONURx, .maxONURx:
            readings(oltTx: oltTx, oltRx: -2000, onuTx: 200, onuRx: value)
        case .minOLTRx:
            readings(oltTx: oltTx, oltRx: value, onuTx: 200, onuRx: -2000)
        case .maxDownstreamAttenuation:
            readings(oltTx: oltTx, oltRx: -2000, onuTx: 200, onuRx: oltTx - value)
        case .maxUpstreamAttenuation:
            // ONU tx − OLT rx = value
            readings(oltTx: oltTx, oltRx: 200 - value, onuTx: 200, onuRx: -2000)
        }
    }

    /// `profile` with every check binding.
    static func allBinding(_ profile: ThresholdProfile) -> ThresholdProfile {
        var p = profile
        p.advisory = []
        return p
    }

    /// A profile with only `check`, at `limit` hundredths, binding.
    static func profile(only check: Check, limit: Int) -> ThresholdProfile {
        var p = ThresholdProfile(name: "edge", advisory: [])
        switch check {
        case .minONURx: p.minONURx = DBm(centi: limit)
        case .maxONURx: p.maxONURx = DBm(centi: limit)
        case .minOLTRx: p.minOLTRx = DBm(centi: limit)
        case .maxDownstreamAttenuation: p.maxDownstreamAttenuation = Decibels(centi: limit)
        case .maxUpstreamAttenuation: p.maxUpstreamAttenuation = Decibels(centi: limit)
        }
        return p
    }

    /// +1 when larger values fail (a maximum), −1 when smaller values fail (a minimum).
    static func failingDirection(_ check: Check) -> Int {
        switch check {
        case .minONURx, .minOLTRx: -1
        case .maxONURx, .maxDownstreamAttenuation, .maxUpstreamAttenuation: 1
        }
    }

    @Test("the default limits: at the limit passes, 0.01 beyond fails", arguments: Check.allCases)
    func defaultEdges(check: Check) throws {
        let profile = ThresholdProfile.build
        let limit: Int =
            switch check {
            case .minONURx: try #require(profile.minONURx).centi
            case .maxONURx: try #require(profile.maxONURx).centi
            case .minOLTRx: try #require(profile.minOLTRx).centi
            case .maxDownstreamAttenuation: try #require(profile.maxDownstreamAttenuation).centi
            case .maxUpstreamAttenuation: try #require(profile.maxUpstreamAttenuation).centi
            }
        let only = Self.profile(only: check, limit: limit)
        let beyond = limit + Self.failingDirection(check)
        #expect(only.evaluate(Self.judging(check, at: limit, oltTx: 300)).verdict == .pass)
        #expect(only.evaluate(Self.judging(check, at: beyond, oltTx: 300)).verdict == .fail)
    }

    @Test("for any limit: at the limit or inside passes, 0.01 or more beyond fails", arguments: Check.allCases)
    func limitsAreExact(check: Check) async {
        let direction = Self.failingDirection(check)
        await propertyCheck(
            input: Gen.int(in: -6000...6000), Gen.int(in: 0...3000), Gen.int(in: -500...700)
        ) { limit, offset, oltTx in
            let profile = Self.profile(only: check, limit: limit)
            let inside = limit - direction * offset
            let beyond = limit + direction * (offset + 1)

            let atLimit = profile.evaluate(Self.judging(check, at: limit, oltTx: oltTx))
            #expect(atLimit.verdict == .pass)
            #expect(atLimit.checks.map(\.check) == [check])

            #expect(profile.evaluate(Self.judging(check, at: inside, oltTx: oltTx)).verdict == .pass)

            let failed = profile.evaluate(Self.judging(check, at: beyond, oltTx: oltTx))
            #expect(failed.verdict == .fail)
            #expect(failed.checks.map(\.outcome) == [.fail])
            #expect(failed.reasons.count == 1)
            // The reason carries the value, the limit and the margin in their units.
            let unitValue: String
            let unitLimit: String
            switch check {
            case .minONURx, .maxONURx, .minOLTRx:
                unitValue = DBm(centi: beyond).description
                unitLimit = DBm(centi: limit).description
            case .maxDownstreamAttenuation, .maxUpstreamAttenuation:
                unitValue = Decibels(centi: beyond).description
                unitLimit = Decibels(centi: limit).description
            }
            let reason = failed.reasons.first ?? ""
            #expect(reason.contains(unitValue))
            #expect(reason.contains(unitLimit))
            #expect(reason.contains("by \(Decibels(centi: offset + 1))"))
        }
    }

    @Test("names of the checks as written in config and records")
    func checkNames() {
        #expect(
            Check.allCases.map(\.rawValue) == [
                "min_onu_rx", "max_onu_rx", "min_olt_rx", "max_downstream_attenuation", "max_upstream_attenuation",
            ])
    }
}
