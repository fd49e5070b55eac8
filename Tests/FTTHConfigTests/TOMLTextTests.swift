import FTTHConfig
import Testing

/// `ftth-fuzz toml` aborted the daemon with a table header that toml++ asserts cannot happen
/// (the fuzzer's input was the shipped olt-sim.toml with `[\u{1}\0\0\u{FB}[olt.pon.splitter]]`).
@Suite struct TOMLTextTests {
    @Test(arguments: [
        "[\u{1}\0\0\u{FB}[olt.pon.splitter]]\n", "[!]\n", "[.engine]\n", "[é]\n", "[[#]]\n", "[ \u{7F}]\n",
        "[\u{FFFD}]\n", "[engine]\npoll_s = 5\n  [?api]\n",
    ])
    func aHeaderThatDoesNotStartWithAKeyIsAnErrorWithItsLine(text: String) {
        #expect {
            try AcceptdConfiguration(toml: text)
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.hasPrefix("not valid TOML at line \(text.hasPrefix("[engine]") ? 3 : 1), column ")
                && message.contains("a table header starts with a key")
        }
    }

    /// Only headers are checked: `[` that starts a line of a string or of an array is a value.
    @Test func bracketsInStringsAndArraysAreNotHeaders() throws {
        let text = """
            a = \"\"\"
            [!] is text
            \"\"\"
            b = '''
            [.x]'''
            c = [
              [+1, 2],
              [{ d = 1 }],
            ]
            e = "[!]" # [!]
            ["quoted key"]
            [ engine ]
            """
        let root = TOMLReader(table: try TOMLText.parse(text), path: "")
        #expect(try root.string("a") == "[!] is text\n")
        #expect(try root.string("e") == "[!]")
        #expect(try root.optionalTable("quoted key") != nil)
        #expect(try root.optionalTable("engine") != nil)
    }
}
