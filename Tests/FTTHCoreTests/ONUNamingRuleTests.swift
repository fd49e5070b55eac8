import FTTHCore
import PropertyBased
import Testing

/// Test ONU names: template checks, dialect limits, uniqueness.
@Suite("ONU naming rule")
struct ONUNamingRuleTests {
    static func context(
        project: String = "P2026-001", oltName: String = "OLT-A", olt: String = "10.0.0.1",
        pon ponText: String = "0/1/3",
        splitter: String = "FTTH-A-01", splitterIndex: Int = 2, port: Int = 5
    ) -> ONUNameContext {
        ONUNameContext(
            projectCode: project, oltName: oltName, oltAddress: address(olt), pon: pon(ponText), splitterName: splitter,
            splitterIndex: splitterIndex, port: port)
    }

    /// A template that puts the splitter name (free text) into the ONU name.
    static let withSplitterName = "{olt}_{frame}_{slot}_{pon}_{splitter}_{port}"

    // MARK: Rendering

    @Test("the default template renders FT-0A000001-0-1-3-S2-P5 on every dialect", arguments: VendorDialect.allCases)
    func defaultName(dialect: VendorDialect) throws {
        #expect(ONUNamingRule.standard.template == ONUNamingRule.defaultTemplate)
        #expect(try ONUNamingRule.standard.name(for: Self.context(), dialect: dialect) == "FT-0A000001-0-1-3-S2-P5")
    }

    @Test("every placeholder renders its value")
    func allPlaceholders() throws {
        let rule = try ONUNamingRule(
            template: "{project}.{olt}.{olt_ip}.{frame}.{slot}.{pon}.{splitter}.{splitter_index}.{port}")
        let name = try rule.name(
            for: Self.context(pon: "1/2/7", splitter: "SPL_9", splitterIndex: 4, port: 16), dialect: .huaweiMA5800)
        #expect(name == "P2026-001.OLT-A.10.0.0.1.1.2.7.SPL_9.4.16")
    }

    @Test("an IPv6 OLT address is written with dots instead of colons, or as 32 hex digits")
    func ipv6Address() throws {
        let dotted = try ONUNamingRule(template: "FT-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}")
        #expect(
            try dotted.name(for: Self.context(olt: "2001:DB8::1"), dialect: .huaweiMA5600T)
                == "FT-2001.db8..1-0-1-3-S2-P5")
        #expect(
            try ONUNamingRule.standard.name(for: Self.context(olt: "2001:DB8::1"), dialect: .huaweiMA5600T)
                == "FT-20010DB8000000000000000000000001-0-1-3-S2-P5")
        // 45 characters: too long for ZTE, refused rather than truncated.
        #expect(throws: ONUNamingError.self) {
            try ONUNamingRule.standard.name(for: Self.context(olt: "2001:DB8::1"), dialect: .zteC300)
        }
    }

    @Test("a template without placeholders between the required ones' literals is kept verbatim around them")
    func literalsKept() throws {
        let rule = try ONUNamingRule(template: "x{olt_ip}y{frame}z{slot}w{pon}v{splitter_index}u{port}t")
        #expect(try rule.name(for: Self.context(), dialect: .zteC600) == "x10.0.0.1y0z1w3v2u5t")
    }

    // MARK: Template errors

    @Test(
        "unknown placeholders are refused, naming the placeholder",
        arguments: [
            ("FT-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}-{vlan}", "vlan"),
            ("FT-{OLT_IP}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", "OLT_IP"),
            ("FT-{}-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", ""),
            ("FT-{olt_ip-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", "olt_ip-{frame"),
            ("FT-{ olt_ip }-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", " olt_ip "),
        ])
    func unknownPlaceholder(template: String, placeholder: String) {
        #expect(throws: ONUNamingError.unknownPlaceholder(placeholder, template: template)) {
            try ONUNamingRule(template: template)
        }
        let error = ONUNamingError.unknownPlaceholder(placeholder, template: template)
        #expect(error.code == "naming.unknown_placeholder")
        #expect(error.description.contains("{\(placeholder)}"))
        #expect(error.description.contains("{splitter_index}"))  // lists the known ones
    }

    @Test(
        "an unclosed brace is refused",
        arguments: ["FT-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port", "{", "FT-{olt_ip}-{"])
    func unclosedBrace(template: String) {
        #expect(throws: ONUNamingError.unclosedBrace(template: template)) {
            try ONUNamingRule(template: template)
        }
        #expect(ONUNamingError.unclosedBrace(template: template).code == "naming.unclosed_brace")
    }

    @Test(
        "a template that could give two ports the same name is refused, naming what is missing",
        arguments: [
            ("FT-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", "{olt}, {olt_ip} or {olt_hex}"),
            ("FT-{olt_ip}-{slot}-{pon}-S{splitter_index}-P{port}", "{frame}"),
            ("FT-{olt_ip}-{frame}-{pon}-S{splitter_index}-P{port}", "{slot}"),
            ("FT-{olt_ip}-{frame}-{slot}-S{splitter_index}-P{port}", "{pon}"),
            ("FT-{olt_ip}-{frame}-{slot}-{pon}-P{port}", "{splitter} or {splitter_index}"),
            ("FT-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}", "{port}"),
            ("FT-{project}", "{olt}, {olt_ip} or {olt_hex}"),
            ("", "{olt}, {olt_ip} or {olt_hex}"),
        ])
    func missingPlaceholder(template: String, missing: String) {
        #expect(throws: ONUNamingError.missingPlaceholder(missing, template: template)) {
            try ONUNamingRule(template: template)
        }
        let error = ONUNamingError.missingPlaceholder(missing, template: template)
        #expect(error.code == "naming.missing_placeholder")
        #expect(error.description.contains(missing))
    }

    @Test("either alternative of a required pair is enough")
    func alternatives() throws {
        let rule = try ONUNamingRule(template: "{olt}-{frame}-{slot}-{pon}-{splitter}-{port}")
        #expect(try rule.name(for: Self.context(), dialect: .zteC300) == "OLT-A-0-1-3-FTTH-A-01-5")
    }

    @Test(
        "two placeholders with nothing between them are refused",
        arguments: [
            ("FT-{olt_ip}-{frame}{slot}-{pon}-S{splitter_index}-P{port}", "slot", "frame"),
            ("FT-{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}{port}", "port", "splitter_index"),
            ("{olt}{olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}", "olt_ip", "olt"),
        ])
    func adjacentPlaceholders(template: String, later: String, earlier: String) {
        #expect(throws: ONUNamingError.adjacentPlaceholders(later, earlier, template: template)) {
            try ONUNamingRule(template: template)
        }
        let error = ONUNamingError.adjacentPlaceholders(later, earlier, template: template)
        #expect(error.code == "naming.adjacent_placeholders")
        #expect(error.description.contains("puts {\(later)} right after {\(earlier)}"))
    }

    // MARK: Dialect limits

    @Test(
        "characters a CLI could misread are refused in the rendered name",
        arguments: [
            ("FTTH\nA", Character("\n")), ("FTTH\"A", "\""), ("FTTH A", " "), ("分光器A", "分"), ("FTTH'A", "'"),
            ("A\tB", "\t"),
        ])
    func disallowedCharacters(splitter: String, bad: Character) throws {
        let rule = try ONUNamingRule(template: Self.withSplitterName)
        for dialect in VendorDialect.allCases {
            let name = "OLT-A_0_1_3_\(splitter)_5"
            #expect(throws: ONUNamingError.disallowedCharacter(bad, name: name, dialect: dialect)) {
                try rule.name(for: Self.context(splitter: splitter), dialect: dialect)
            }
        }
        let error = ONUNamingError.disallowedCharacter(bad, name: "x", dialect: .zteC300)
        #expect(error.code == "naming.disallowed_character")
        #expect(error.description.contains("zte-c300 does not accept"))
    }

    @Test("control characters are shown escaped in the error message")
    func escapedControlCharacter() {
        let error = ONUNamingError.disallowedCharacter("\n", name: "A\nB", dialect: .huaweiMA5800)
        #expect(error.description.contains("contains '\\u{a}'"))
    }

    @Test("a literal in the template with a disallowed character fails at rendering")
    func disallowedLiteral() throws {
        let rule = try ONUNamingRule(template: "FT {olt_ip}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}")
        #expect(throws: ONUNamingError.self) {
            try rule.name(for: Self.context(), dialect: .huaweiMA5800)
        }
    }

    @Test("names longer than the dialect allows are refused, not truncated", arguments: VendorDialect.allCases)
    func tooLong(dialect: VendorDialect) throws {
        let rule = try ONUNamingRule(template: "{project}-{olt_ip}-{frame}-{slot}-{pon}-{splitter_index}-{port}")
        let suffix = "-10.0.0.1-0-1-3-2-5"
        let limit = dialect.maxONUNameLength
        let fits = String(repeating: "P", count: limit - suffix.count)
        #expect(try rule.name(for: Self.context(project: fits), dialect: dialect).count == limit)

        let tooLong = fits + "X"
        let name = tooLong + suffix
        #expect(throws: ONUNamingError.tooLong(name: name, length: limit + 1, limit: limit, dialect: dialect)) {
            try rule.name(for: Self.context(project: tooLong), dialect: dialect)
        }
        let error = ONUNamingError.tooLong(name: name, length: limit + 1, limit: limit, dialect: dialect)
        #expect(error.code == "naming.too_long")
        #expect(error.description.contains("accepts at most \(limit)"))
    }

    @Test("a 39-character name fits Huawei and not ZTE")
    func huaweiVersusZTE() throws {
        let rule = try ONUNamingRule(template: "{olt}-{frame}-{slot}-{pon}-{splitter_index}-{port}")
        let context = Self.context(oltName: String(repeating: "H", count: 29))  // 29 + "-0-1-3-2-5" = 39
        #expect(try rule.name(for: context, dialect: .huaweiMA5800).count == 39)
        #expect(throws: ONUNamingError.self) {
            try rule.name(for: context, dialect: .zteC600)
        }
    }

    @Test("an empty rendered name is refused")
    func emptyName() throws {
        let rule = try ONUNamingRule(template: "{olt}-{frame}-{slot}-{pon}-{splitter}-{port}")
        // Every placeholder renders something here, so the result is never empty: the guard is
        // only reachable for a template of empty-rendering placeholders, which the
        // required-placeholder check rules out. Its error still reads well.
        #expect(try rule.name(for: Self.context(oltName: "", splitter: ""), dialect: .huaweiMA5800) == "-0-1-3--5")
        #expect(ONUNamingError.empty(template: "{olt}").code == "naming.empty")
        #expect(ONUNamingError.duplicate(name: "X").description.contains("'X' is already given to another port"))
    }

    // MARK: Uniqueness

    struct PortTuple: Hashable, Sendable {
        var octets: [Int]
        var frame: Int
        var slot: Int
        var pon: Int
        var splitterIndex: Int
        var port: Int

        var context: ONUNameContext {
            ONUNameContext(
                projectCode: "P", oltName: "O", oltAddress: address(octets.map(String.init).joined(separator: ".")),
                pon: PONAddress(frame: frame, slot: slot, port: pon), splitterName: "S", splitterIndex: splitterIndex,
                port: port)
        }
    }

    /// Small ranges crossing the one/two/three-digit boundaries, so that concatenation
    /// ambiguities (1 + 12 vs 11 + 2) and collisions of whole tuples come up often.
    static let tuple = zip(
        zip(oneOf([0, 1, 2, 10, 11, 12, 100, 255]), oneOf([0, 1, 11]), oneOf([0, 1, 11]), oneOf([1, 2, 12, 112])),
        oneOf([0, 1, 10, 11]), oneOf([0, 1, 2, 12, 21]), oneOf([1, 2, 11, 12]),
        zip(oneOf([1, 2, 11, 12, 64]), oneOf([1, 2, 11, 12, 128]))
    ).map { ip, frame, slot, pon, last in
        PortTuple(
            octets: [ip.0, ip.1, ip.2, ip.3], frame: frame, slot: slot, pon: pon, splitterIndex: last.0, port: last.1)
    }

    @Test("distinct ports get distinct default names, made only of allowed characters")
    func distinctNames() async throws {
        await propertyCheck(count: 200, input: Self.tuple.array(of: 2...40)) { tuples in
            let distinct = Set(tuples)
            var names: [String: PortTuple] = [:]
            for t in distinct {
                let name = try ONUNamingRule.standard.name(for: t.context, dialect: .huaweiMA5800)
                #expect(names[name] == nil, "\(name) for \(t) and \(String(describing: names[name]))")
                names[name] = t
                #expect(name.allSatisfy { c in VendorDialect.allCases.allSatisfy { $0.allowsInONUName(c) } })
            }
            #expect(names.count == distinct.count)
        }
    }

    @Test("the same port always gets the same name")
    func deterministic() async {
        await propertyCheck(input: Self.tuple) { t in
            let a = try ONUNamingRule.standard.name(for: t.context, dialect: .huaweiMA5600T)
            let b = try ONUNamingRule.standard.name(for: t.context, dialect: .huaweiMA5800)
            #expect(a == b)
        }
    }

    @Test("the default template fits ZTE's 32 characters for any IPv4 OLT")
    func defaultFitsZTE() async {
        // The longest realistic IPv4 name, `FT-C0A864C8-0-17-15-S12-P16`, must fit ZTE's 32 characters.
        let octet = Gen.int(in: 100...255)
        await propertyCheck(
            count: 20, input: zip(octet, octet, octet, octet), Gen.int(in: 10...17), Gen.int(in: 10...16),
            Gen.int(in: 1...16)
        ) { ip, slot, ponPort, port in
            let context = ONUNameContext(
                projectCode: "P", oltName: "O", oltAddress: address("\(ip.0).\(ip.1).\(ip.2).\(ip.3)"),
                pon: PONAddress(frame: 0, slot: slot, port: ponPort), splitterName: "S", splitterIndex: 12,
                port: port)
            #expect(throws: Never.self) { try ONUNamingRule.standard.name(for: context, dialect: .zteC300) }
        }

    }
}
