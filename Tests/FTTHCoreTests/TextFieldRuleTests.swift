import FTTHCore
import Testing

/// The one rule for names people read back, whatever route they arrive by (issue 12, defect 4).
@Suite("Text field rule")
struct TextFieldRuleTests {
    @Test(
        "a control character anywhere is refused, named by its code point",
        arguments: [
            ("Garden\r\nX-Injected: 1", "U+D"), ("Garden\u{1B}[2J", "U+1B"), ("Gar\u{0}den", "U+0"),
            ("Garden\n", "U+A"), ("\tGarden", "U+9"), ("Garden\u{7F}", "U+7F"), ("Garden\u{9B}31m", "U+9B"),
        ])
    func controlCharacters(_ raw: String, _ codePoint: String) {
        #expect(throws: TextFieldRule.Problem.self) { try TextFieldRule.name.validated(raw) }
        do {
            _ = try TextFieldRule.name.validated(raw)
        } catch {
            #expect(error.description == "contains control character \(codePoint); remove it")
        }
    }

    @Test("a good value is stored trimmed; blank and long values are refused")
    func trimmingAndLength() throws {
        #expect(try TextFieldRule.name.validated("  花园苑 三期 ") == "花园苑 三期")
        #expect(throws: TextFieldRule.Problem.empty) { try TextFieldRule.name.validated("   ") }
        #expect(throws: TextFieldRule.Problem.tooLong(characters: 65, max: 64)) {
            try TextFieldRule.projectCode.validated(String(repeating: "P", count: 65))
        }
        #expect(try TextFieldRule.name.validated(String(repeating: "名", count: 128)).count == 128)
    }

    @Test("a reason may hold line feeds, and no other control character")
    func reasonLines() throws {
        #expect(try TextFieldRule.reason.validated("SP-A port 3: -29 dBm\nclean the connector") != "")
        #expect(throws: TextFieldRule.Problem.controlCharacter("\r")) { try TextFieldRule.reason.validated("a\r\nb") }
        #expect(throws: TextFieldRule.Problem.controlCharacter("\u{1B}")) {
            try TextFieldRule.reason.validated("a\u{1B}[2J")
        }
        #expect(throws: TextFieldRule.Problem.controlCharacter("\n")) { try TextFieldRule.name.validated("a\nb") }
    }
}
