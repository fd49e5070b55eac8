import FTTHCore
import PropertyBased
import Testing

/// The RFC 4180 reader under every import.
@Suite("CSV table")
struct CSVTableTests {
    static let columns = ["name", "olt_ip", "note"]

    func table(_ text: String, required: [String] = columns, optional: [String] = []) throws -> CSVTable {
        try CSVTable(text: text, file: "in.csv", required: required, optional: optional)
    }

    /// The problems a text gives; an empty list when it parses.
    func problems(_ text: String, required: [String] = columns, optional: [String] = []) -> [CSVProblem] {
        do {
            _ = try table(text, required: required, optional: optional)
            return []
        } catch let error as CSVProblems {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("a plain file: header names trimmed and lower-cased, rows with their line numbers")
    func plain() throws {
        let t = try table(" Name ,OLT_IP,note\nA,10.0.0.1,x\nB,10.0.0.2,y\n")
        #expect(t.file == "in.csv")
        #expect(t.header == ["name", "olt_ip", "note"])
        #expect(t.rows.map(\.line) == [2, 3])
        #expect(t.rows[0].fields == ["name": "A", "olt_ip": "10.0.0.1", "note": "x"])
        #expect(t.rows[1].fields["name"] == "B")
    }

    @Test("quoted fields hold commas, doubled quotes and newlines; line numbers count the newlines")
    func quoting() throws {
        let text = #"""
            name,olt_ip,note
            "Smith, J.",10.0.0.1,"say ""hi"""
            "two
            lines",10.0.0.2,""
            last,10.0.0.3,"a,""b"",
            c"
            after,10.0.0.4,z
            """#
        let t = try table(text)
        #expect(t.rows.map(\.line) == [2, 3, 5, 7])
        #expect(t.rows[0].fields["name"] == "Smith, J.")
        #expect(t.rows[0].fields["note"] == "say \"hi\"")
        #expect(t.rows[1].fields["name"] == "two\nlines")
        #expect(t.rows[1].fields["note"] == "")
        #expect(t.rows[2].fields["note"] == "a,\"b\",\nc")
        #expect(t.rows[3].fields["name"] == "after")
    }

    @Test("CRLF line ends and a UTF-8 byte order mark are accepted")
    func crlfAndBOM() throws {
        let t = try table("\u{FEFF}name,olt_ip,note\r\nA,10.0.0.1,x\r\nB,10.0.0.2,\r\n")
        #expect(t.header == ["name", "olt_ip", "note"])
        #expect(t.rows.map(\.line) == [2, 3])
        #expect(t.rows[0].fields["note"] == "x")
        #expect(t.rows[1].fields["note"] == "")
    }

    @Test("blank lines are skipped but still counted, and the last line needs no newline")
    func blankLines() throws {
        let t = try table("\nname,olt_ip,note\n\nA,1,x\n\r\n\nB,2,y")
        #expect(t.rows.map(\.line) == [4, 7])
        #expect(t.rows.map { $0.fields["name"] } == ["A", "B"])
    }

    @Test("a row of empty quoted fields is a row, not a blank line")
    func emptyQuotedRow() throws {
        let t = try table("name\n\"\"\n", required: ["name"])
        #expect(t.rows.count == 1)
        #expect(t.rows.first?.fields["name"] == "")
    }

    @Test("optional columns may be present or absent")
    func optionalColumns() throws {
        let with = try table("name,olt_ip,note,extra\nA,1,x,e\n", optional: ["extra"])
        #expect(with.rows[0].fields["extra"] == "e")
        let without = try table("name,olt_ip,note\nA,1,x\n", optional: ["extra"])
        #expect(without.rows[0].fields["extra"] == nil)
    }

    @Test("a header alone gives no rows")
    func headerOnly() throws {
        #expect(try table("name,olt_ip,note").rows.isEmpty)
    }

    // MARK: Problems

    @Test("an empty file is a problem on line 1 that names the expected header", arguments: ["", "\n\n", "\u{FEFF}"])
    func emptyFile(text: String) {
        let p = problems(text)
        #expect(p.count == 1)
        #expect(p.first?.location == CSVLocation(file: "in.csv", line: 1))
        #expect(p.first?.message.contains("name,olt_ip,note") == true)
    }

    @Test("an unclosed quote is a problem at the line where the field starts")
    func unclosedQuote() {
        let p = problems("name,olt_ip,note\nA,1,x\nB,2,\"never\nclosed\n")
        #expect(p.count == 1)
        #expect(p.first?.location == CSVLocation(file: "in.csv", line: 3))
        #expect(p.first?.message.contains("never closed") == true)
    }

    @Test("missing, duplicate and unknown header columns are each named")
    func headerProblems() {
        let p = problems("name,name,colour\nA,B,C\n")
        #expect(
            p.contains(
                CSVProblem(CSVLocation(file: "in.csv", line: 1, column: "name"), "column appears twice in the header")))
        #expect(
            p.contains {
                $0.location == CSVLocation(file: "in.csv", line: 1, column: "colour")
                    && $0.message.hasPrefix("unknown column")
            })
        let missing = p.filter { $0.message == "required column is missing from the header" }.compactMap(
            \.location.column)
        #expect(missing == ["olt_ip", "note"])
        #expect(p.count == 4)
    }

    @Test("the header's line is its real line after leading blank lines")
    func headerLine() {
        let p = problems("\n\nname,olt_ip\n", required: ["name", "olt_ip", "note"])
        #expect(
            p == [
                CSVProblem(
                    CSVLocation(file: "in.csv", line: 3, column: "note"), "required column is missing from the header")
            ])
    }

    @Test("rows with the wrong number of fields are named by line, all of them")
    func fieldCount() {
        let p = problems("name,olt_ip,note\nA,1\nB,2,x\nC,3,x,extra\n\"D,\",4\n")
        #expect(
            p.map(\.location) == [
                CSVLocation(file: "in.csv", line: 2), CSVLocation(file: "in.csv", line: 4),
                CSVLocation(file: "in.csv", line: 5),
            ])
        #expect(
            p.map(\.message) == [
                "has 2 field(s) but the header has 3", "has 4 field(s) but the header has 3",
                "has 2 field(s) but the header has 3",
            ])
    }

    @Test("problems print as file:line column 'name': message, and a list says nothing was imported")
    func problemText() {
        let one = CSVProblem(
            CSVLocation(file: "projects.csv", line: 12, column: "svlan"), "'0' is not a VLAN id 1-4094")
        #expect(one.description == "projects.csv:12 column 'svlan': '0' is not a VLAN id 1-4094")
        #expect(CSVLocation(file: "projects.csv", line: 3).description == "projects.csv:3")
        let all = CSVProblems([one, one])
        #expect(all.code == "import.invalid")
        #expect(all.description.hasPrefix("2 problem(s); nothing was imported:"))
        let many = CSVProblems(Array(repeating: one, count: 53))
        #expect(many.description.hasSuffix("… and 3 more"))
    }

    // MARK: Round trip

    static func quoted(_ field: String) -> String {
        "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func encode(_ field: String, quoteAll: Bool) -> String {
        let special = field.isEmpty || field.contains { $0 == "," || $0 == "\"" || $0 == "\n" }
        return quoteAll || special ? quoted(field) : field
    }

    @Test("any fields written with RFC 4180 quoting read back unchanged, at the right lines")
    func roundTrip() async throws {
        let field = oneOf(Array("ab ,\"\n中é;")).string(of: 0...6)
        await propertyCheck(count: 200, input: field.array(of: 3).array(of: 0...8), Gen.bool, Gen.bool) {
            rows, crlf, quoteAll in
            let newline = crlf ? "\r\n" : "\n"
            let lines = rows.map { row in row.map { Self.encode($0, quoteAll: quoteAll) }.joined(separator: ",") }
            let text =
                (["name,olt_ip,note"] + lines)
                .joined(separator: newline) + newline
            let t = try table(text)
            #expect(t.rows.map { [$0.fields["name"]!, $0.fields["olt_ip"]!, $0.fields["note"]!] } == rows)
            var line = 2
            var expectedLines: [Int] = []
            for row in rows {
                expectedLines.append(line)
                line += 1 + row.reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
            }
            #expect(t.rows.map(\.line) == expectedLines)
        }
    }
}
