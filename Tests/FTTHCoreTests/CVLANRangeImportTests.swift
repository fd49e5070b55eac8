import FTTHCore
import Testing

/// Test CVLAN ranges and PPPoE test accounts from CSV.
@Suite("CVLAN range and test account import")
struct CVLANRangeImportTests {
    func rangeProblems(_ text: String) -> [CSVProblem] {
        do {
            _ = try CVLANRangeImport(csv: text, file: "cvlan.csv")
            Issue.record("the file was accepted")
            return []
        } catch let error as CSVProblems {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    func accountProblems(_ text: String) -> [CSVProblem] {
        do {
            _ = try TestAccountImport(csv: text, file: "accounts.csv")
            Issue.record("the file was accepted")
            return []
        } catch let error as CSVProblems {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    func at(_ line: Int, _ column: String? = nil, file: String = "cvlan.csv") -> CSVLocation {
        CSVLocation(file: file, line: line, column: column)
    }

    // MARK: CVLAN ranges

    @Test("ranges for any OLT and for one OLT; the same numbers may serve different OLTs")
    func goodRanges() throws {
        let text = """
            name,olt_ip,first,last
            default,,3000,3099
            olt-a, 10.0.0.1 ,2000,2049
            olt-b,10.0.0.2,2000,2049
            single,10.0.0.1,2050,2050
            """
        let imported = try CVLANRangeImport(csv: text, file: "cvlan.csv")
        #expect(
            imported.ranges.map(\.value) == [
                CVLANRange(name: "default", first: vlan(3000), last: vlan(3099)),
                CVLANRange(name: "olt-a", olt: address("10.0.0.1"), first: vlan(2000), last: vlan(2049)),
                CVLANRange(name: "olt-b", olt: address("10.0.0.2"), first: vlan(2000), last: vlan(2049)),
                CVLANRange(name: "single", olt: address("10.0.0.1"), first: vlan(2050), last: vlan(2050)),
            ])
        #expect(imported.ranges.map(\.location) == [2, 3, 4, 5].map { at($0, "name") })

        // They drive the allocator: the OLT's own ranges first.
        let allocator = CVLANAllocator(ranges: imported.ranges.map(\.value))
        #expect(try allocator.allocate(olt: address("10.0.0.1"), svlan: vlan(100), inUse: []) == vlan(2000))
        #expect(try allocator.allocate(olt: address("10.0.0.3"), svlan: vlan(100), inUse: []) == vlan(3000))
    }

    @Test("the olt_ip column is optional")
    func withoutOLTColumn() throws {
        let imported = try CVLANRangeImport(csv: "name,first,last\ndefault,3000,3099\n", file: "cvlan.csv")
        #expect(imported.ranges.map(\.value) == [CVLANRange(name: "default", first: vlan(3000), last: vlan(3099))])
    }

    @Test(
        "bad values are problems at their line and column",
        arguments: [
            ("x,,0,10", "first", "'0' is not a VLAN id 1-4094"),
            ("x,,10,4095", "last", "'4095' is not a VLAN id 1-4094"),
            ("x,,ten,20", "first", "'ten' is not a VLAN id"),
            ("x,,10,", "last", "'' is not a VLAN id"),
            (",,10,20", "name", "is empty; a value is required"),
            ("x,10.0.0.300,10,20", "olt_ip", "'10.0.0.300' is not an IPv4 or IPv6 address"),
            ("x,,200,100", "last", "range 'x' starts at 200 after it ends at 100"),
        ])
    func badRange(row: String, column: String, message: String) {
        let p = rangeProblems("name,olt_ip,first,last\n\(row)\n")
        #expect(p.count == 1, "\(p)")
        #expect(p.first?.location == at(2, column))
        #expect(p.first?.message.contains(message) == true, "\(p.first?.message ?? "")")
    }

    @Test("a name used twice names the first line")
    func duplicateName() {
        let p = rangeProblems("name,olt_ip,first,last\nx,,10,20\nx,,30,40\n")
        #expect(p == [CSVProblem(at(3, "name"), "range 'x' is already defined on line 2")])
    }

    @Test("overlapping ranges for the same OLT scope are refused; across scopes they are fine")
    func overlaps() throws {
        let p = rangeProblems("name,olt_ip,first,last\na,,10,20\nb,,20,30\nc,10.0.0.1,15,25\nd,10.0.0.1,25,26\n")
        #expect(p.map(\.location) == [at(3, "name"), at(5, "name")])
        #expect(p.first?.message == "range 'b' 20-30 (any OLT) overlaps range 'a' 10-20 (any OLT) from line 2")
        // Adjacent is not overlapping.
        #expect(throws: Never.self) {
            try CVLANRangeImport(csv: "name,olt_ip,first,last\na,,10,20\nb,,21,30\n", file: "cvlan.csv")
        }
    }

    @Test("a file with one bad row among good ones imports nothing")
    func oneBadRange() {
        let p = rangeProblems("name,olt_ip,first,last\na,,10,20\nb,,21,30\nc,,0,5\nd,,40,50\n")
        #expect(p.map(\.location) == [at(4, "first")])
    }

    // MARK: Test accounts

    @Test("accounts: usernames trimmed, passwords kept exactly")
    func goodAccounts() throws {
        let text = "username,password\n test01@pppoe ,s3cret\ntest02@pppoe,\" pass, word \"\n"
        let imported = try TestAccountImport(csv: text, file: "accounts.csv")
        #expect(
            imported.accounts.map(\.value) == [
                TestAccount(username: "test01@pppoe", password: "s3cret"),
                TestAccount(username: "test02@pppoe", password: " pass, word "),
            ])
        #expect(
            imported.accounts.map(\.location) == [
                at(2, "username", file: "accounts.csv"), at(3, "username", file: "accounts.csv"),
            ])
    }

    @Test("empty fields, duplicates and control characters are problems at their line and column")
    func badAccounts() {
        let text = "username,password\nu1,p1\n,p2\nu3,\nu1,p4\nu5,\"p\u{7}5\"\n\"u6\n\",p6\n"
        let p = accountProblems(text)
        let f = "accounts.csv"
        #expect(
            p.map(\.location) == [
                at(3, "username", file: f), at(4, "password", file: f), at(5, "username", file: f),
                at(6, "password", file: f),
            ])  // line 7's "u6" and a newline is trimmed to "u6": whitespace around a username is not an error
        #expect(p[2].message == "account 'u1' is already listed on line 2")
        #expect(p[3].message.contains("control character"))
    }

    @Test("a username with a control character inside is refused")
    func controlInUsername() {
        let p = accountProblems("username,password\n\"u\u{1B}x\",p\n")
        #expect(p.map(\.location) == [at(2, "username", file: "accounts.csv")])
    }
}
