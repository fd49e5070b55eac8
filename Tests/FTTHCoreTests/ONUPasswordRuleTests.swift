import FTTHCore
import Testing

/// A small seeded generator, so a password drawn in a test is the same every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("ONU password rule")
struct ONUPasswordRuleTests {
    @Test func theStandardRuleFitsEveryDialectAndDrawsTenDigits() {
        #expect(VendorDialect.allCases.allSatisfy { $0.maxONUPasswordLength >= ONUPasswordRule.standard.length })
        var g = SplitMix64(state: 42)
        let a = ONUPasswordRule.standard.generate(using: &g)
        let b = ONUPasswordRule.standard.generate(using: &g)
        #expect(a.count == 10 && a.allSatisfy(\.isNumber))
        #expect(a != b)
        var again = SplitMix64(state: 42)
        #expect(ONUPasswordRule.standard.generate(using: &again) == a, "the same generator draws the same password")
    }

    @Test func aLengthMustFitTheShortestLimitOfItsOLTsAndNotBeGuessable() throws {
        #expect(throws: ONUPasswordRuleError.self) { try ONUPasswordRule(length: 12) }
        do {
            _ = try ONUPasswordRule(length: 12)
        } catch {
            #expect("\(error)".contains("longer than huawei-ma5600t, huawei-ma5800 accepts (10)"))
        }
        #expect(try ONUPasswordRule(length: 24, dialects: [.zteC300, .zteC600]).length == 24)
        #expect(throws: ONUPasswordRuleError.self) { try ONUPasswordRule(length: 5) }
    }

    @Test func anAlphanumericPasswordHasNoLookAlikes() throws {
        let rule = try ONUPasswordRule(length: 10, alphabet: .alphanumeric)
        var g = SplitMix64(state: 7)
        for _ in 0..<200 {
            let p = rule.generate(using: &g)
            #expect(p.count == 10)
            #expect(!p.contains { "01lo".contains($0) || $0.isUppercase })
        }
    }

    @Test func thePolicyNamesTheOLTsThatUsePasswords() {
        var policy = ActivationPolicy()
        let a = ManagementAddress("10.0.0.1")!
        let b = ManagementAddress("10.0.0.2")!
        #expect(policy.authentication(for: a) == .serial)
        policy.passwordOLTs = [a]
        #expect(policy.authentication(for: a) == .password)
        #expect(policy.authentication(for: b) == .serial)
        policy.authentication = .password
        #expect(policy.authentication(for: b) == .password)
    }
}
