import FTTHCore
import Foundation
import PropertyBased
import Testing

/// Project exports: one row per last-level splitter, validated as a whole.
@Suite("Project import plan")
struct ProjectImportPlanTests {
    static let columns = ProjectImportPlan.requiredColumns + ProjectImportPlan.optionalColumns

    static let goodRow: [String: String] = [
        "project_code": "P2026-001", "project_name": "Garden Estate Phase 1", "olt_name": "OLT-A", "olt_ip": "10.0.0.1",
        "olt_dialect": "huawei-ma5800", "pon": "0/1/3", "svlan": "100", "splitter_name": "FTTH-A-01",
        "splitter_ratio": "1:8", "acceptance_required": "yes", "splitter_ports": "", "service_test": "",
        "plan_mbps": "", "feeder_km": "", "drop_m": "", "upstream_ratios": "", "connectors": "", "splices": "",
    ]

    static func field(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A file of `rows`, each the good row with some columns changed.
    static func csv(_ rows: [[String: String]]) -> String {
        ([columns.joined(separator: ",")]
            + rows.map { changes in columns.map { field(changes[$0] ?? goodRow[$0]!) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    func problems(_ text: String) -> [CSVProblem] {
        do {
            _ = try ProjectImportPlan(csv: text, file: "projects.csv")
            Issue.record("the file was accepted")
            return []
        } catch let error as CSVProblems {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    // MARK: Good files

    @Test("the sample export: projects, OLTs, PON ports and splitters with their lines")
    func goodFile() throws {
        let url = try #require(
            Bundle.module.url(forResource: "projects-good", withExtension: "csv", subdirectory: "Resources"))
        let plan = try ProjectImportPlan(csv: String(contentsOf: url, encoding: .utf8), file: "projects-good.csv")

        #expect(plan.projects.map(\.value.code) == ["P2026-001", "P2026-002"])
        #expect(plan.projects.map(\.value.name) == ["Garden Estate Phase 1", "Riverside, Block 2"])
        #expect(plan.projects.map(\.value.acceptanceRequired) == [true, false])
        #expect(plan.projects.allSatisfy { $0.value.state == .entered })
        #expect(plan.projects.map(\.location.line) == [2, 6])

        #expect(
            plan.olts.map(\.value) == [
                OLT(name: "OLT-A", address: address("10.0.0.1"), dialect: .huaweiMA5800),
                OLT(name: "OLT-B", address: address("10.0.0.2"), dialect: .zteC300),
            ])
        #expect(
            plan.ponPorts.map(\.value) == [
                PONPort(olt: address("10.0.0.1"), address: pon("0/1/3"), svlan: vlan(100)),
                PONPort(olt: address("10.0.0.1"), address: pon("0/1/4"), svlan: vlan(101)),
                PONPort(olt: address("10.0.0.2"), address: pon("1/2/1"), svlan: vlan(200)),
            ])
        #expect(plan.splitters.map(\.value.name) == ["FTTH-A-01", "FTTH-A-02", "分光器B-01", "FTTH-R-01"])
        #expect(plan.splitters.map(\.value.portCount) == [8, 12, 8, 32])
        #expect(plan.splitters.map(\.value.ratio.outputs) == [8, 16, 8, 32])
        #expect(
            plan.splitters.map(\.location)
                == [2, 3, 4, 6].map {
                    CSVLocation(file: "projects-good.csv", line: $0, column: "splitter_name")
                })
        #expect(plan.portCount == 60)
    }

    @Test("only the required columns: every splitter port is tested and acceptance is required")
    func requiredColumnsOnly() throws {
        let header = ProjectImportPlan.requiredColumns.joined(separator: ",")
        let text = header + "\nP1,Project,OLT-Z,192.168.1.1,c600,0/2/1,300,S1,1:16\n"
        let plan = try ProjectImportPlan(csv: text, file: "p.csv")
        #expect(plan.projects.first?.value.acceptanceRequired == true)
        #expect(plan.splitters.first?.value.portCount == 16)
        #expect(plan.olts.first?.value.dialect == .zteC600)
    }

    @Test(
        "acceptance_required spellings",
        arguments: [
            ("yes", true), ("Y", true), ("1", true), ("是", true), ("no", false), ("FALSE", false), ("0", false),
            ("否", false),
        ])
    func acceptanceSpellings(text: String, required: Bool) throws {
        let plan = try ProjectImportPlan(csv: Self.csv([["acceptance_required": text]]), file: "p.csv")
        #expect(plan.projects.first?.value.acceptanceRequired == required)
    }

    @Test("canonical OLT addresses merge rows written differently")
    func addressCanonicalised() throws {
        let plan = try ProjectImportPlan(
            csv: Self.csv([[:], ["olt_ip": "010.0.0.001", "splitter_name": "FTTH-A-02"]]), file: "p.csv")
        #expect(plan.olts.count == 1)
        #expect(plan.ponPorts.count == 1)
        #expect(plan.splitters.count == 2)
    }

    @Test("the ODN design columns: each optional, kept with the splitter")
    func odnDesign() throws {
        let plan = try ProjectImportPlan(
            csv: Self.csv([
                [
                    "feeder_km": "3.2", "drop_m": "80", "upstream_ratios": "1:2+1:4", "connectors": "6",
                    "splices": "5",
                ],
                ["splitter_name": "FTTH-A-02", "feeder_km": "1.5"],
                ["splitter_name": "FTTH-A-03"],
            ]), file: "p.csv")
        #expect(
            plan.splitters[0].value.design
                == ODNDesign(
                    feederKm: 3.2, dropMetres: 80, upstreamRatios: [SplitRatio("1:2")!, SplitRatio("1:4")!],
                    connectors: 6, splices: 5))
        #expect(plan.splitters[1].value.design == ODNDesign(feederKm: 1.5))
        #expect(plan.splitters[2].value.design.isEmpty)
    }

    @Test("a design value that is not one names its column and says what to write")
    func odnDesignProblems() {
        let found = problems(
            Self.csv([
                ["feeder_km": "far", "drop_m": "-3", "upstream_ratios": "1:3", "connectors": "2.5", "splices": "x"]
            ]))
        let columns = Set(found.map(\.location.column))
        #expect(columns == ["feeder_km", "drop_m", "upstream_ratios", "connectors", "splices"])
        #expect(found.first { $0.location.column == "upstream_ratios" }?.message.contains("1:2+1:4") == true)
        #expect(found.first { $0.location.column == "feeder_km" }?.message.contains("km") == true)
    }

    @Test("the same splitter name in two projects is two splitters")
    func sameNameOtherProject() throws {
        let plan = try ProjectImportPlan(
            csv: Self.csv([[:], ["project_code": "P2026-002", "project_name": "Other"]]), file: "p.csv")
        #expect(plan.projects.count == 2)
        #expect(plan.splitters.count == 2)
    }

    @Test("any number of good splitters: one splitter per row, at its line, and the port count adds up")
    func manyGoodRows() async throws {
        let row = zip(
            Gen.int(in: 0...3), oneOf(["1:2", "1:4", "1:8", "1:16", "1:32", "1:64", "1:128"]), Gen.int(in: 1...128))
        await propertyCheck(count: 50, input: row.array(of: 1...40)) { specs in
            let rows = specs.enumerated().map { i, spec in
                let ratio = SplitRatio(spec.1)!
                return [
                    "pon": "0/1/\(spec.0)", "svlan": String(100 + spec.0), "splitter_name": "S-\(i)",
                    "splitter_ratio": spec.1, "splitter_ports": String(min(spec.2, ratio.outputs)),
                ]
            }
            let plan = try ProjectImportPlan(csv: Self.csv(rows), file: "p.csv")
            #expect(plan.splitters.map(\.location.line) == Array(2..<(2 + rows.count)))
            #expect(plan.portCount == specs.reduce(0) { $0 + min($1.2, SplitRatio($1.1)!.outputs) })
            #expect(plan.projects.count == 1 && plan.olts.count == 1)
            #expect(plan.ponPorts.count == Set(specs.map(\.0)).count)
        }
    }

    // MARK: Bad values

    struct Bad: Sendable, CustomTestStringConvertible {
        var column: String
        var value: String
        var message: String
        var changes: [String: String] = [:]
        var testDescription: String { "\(column) = \(value.debugDescription)" }
    }

    static let badValues: [Bad] = [
        Bad(column: "olt_ip", value: "10.0.0.256", message: "'10.0.0.256' is not an IPv4 or IPv6 address"),
        Bad(column: "olt_ip", value: "olt-a.example", message: "is not an IPv4 or IPv6 address"),
        Bad(column: "olt_ip", value: "", message: "is empty; a value is required"),
        Bad(
            column: "olt_dialect", value: "cisco", message: "'cisco' is not a known dialect; use one of huawei-ma5600t"),
        Bad(column: "pon", value: "0/1", message: "'0/1' is not a frame/slot/port such as 0/1/3"),
        Bad(column: "pon", value: "0/1/256", message: "is not a frame/slot/port"),
        Bad(column: "svlan", value: "0", message: "'0' is not a VLAN id 1-4094"),
        Bad(column: "svlan", value: "4095", message: "'4095' is not a VLAN id 1-4094"),
        Bad(column: "svlan", value: "abc", message: "is not a VLAN id"),
        Bad(column: "splitter_ratio", value: "1:3", message: "'1:3' is not a split ratio such as 1:8"),
        Bad(column: "splitter_ratio", value: "1:256", message: "is not a split ratio"),
        Bad(column: "splitter_ports", value: "9", message: "9 ports exceed the splitter's 1:8 outputs"),
        Bad(column: "splitter_ports", value: "0", message: "'0' is not a port count of 1 or more"),
        Bad(column: "splitter_ports", value: "many", message: "is not a port count"),
        Bad(column: "acceptance_required", value: "maybe", message: "'maybe' is not yes or no"),
        Bad(column: "splitter_name", value: "FTTH\u{7}A", message: "contains control character U+7; remove it"),
        Bad(column: "splitter_name", value: "FTTH\tA", message: "contains control character U+9"),
        Bad(column: "project_name", value: "Garden\u{1B}[31m", message: "contains control character U+1B"),
        Bad(column: "olt_name", value: "OLT\rA", message: "contains control character U+D"),
        Bad(
            column: "project_code", value: String(repeating: "P", count: 65),
            message: "is 65 characters long; at most 64"),
        Bad(column: "project_name", value: String(repeating: "名", count: 129), message: "at most 128 are allowed"),
        Bad(column: "project_code", value: "  ", message: "is empty; a value is required"),
        Bad(column: "splitter_name", value: "", message: "is empty; a value is required"),
    ]

    @Test("a bad value is a problem at its line and column", arguments: badValues)
    func badValue(_ bad: Bad) {
        let p = problems(Self.csv([[bad.column: bad.value]]))
        #expect(p.count == 1, "\(p)")
        #expect(p.first?.location == CSVLocation(file: "projects.csv", line: 2, column: bad.column))
        #expect(p.first?.message.contains(bad.message) == true, "\(p.first?.message ?? "")")
    }

    @Test("one bad row among good ones: no plan, and the problem names that row")
    func oneBadRow() {
        let rows: [[String: String]] =
            (1...6).map { ["splitter_name": "S-\($0)"] } + [["splitter_name": "S-7", "svlan": "4095"]]
            + (8...9).map { ["splitter_name": "S-\($0)"] }
        let p = problems(Self.csv(rows))
        #expect(
            p == [
                CSVProblem(
                    CSVLocation(file: "projects.csv", line: 8, column: "svlan"), "'4095' is not a VLAN id 1-4094")
            ])
    }

    @Test("every problem of every row is reported at once")
    func allProblems() {
        let p = problems(
            Self.csv([["svlan": "0", "pon": "x"], [:], ["olt_dialect": "?", "splitter_name": "FTTH-A-02"]]))
        #expect(
            p.map(\.location) == [
                CSVLocation(file: "projects.csv", line: 2, column: "pon"),
                CSVLocation(file: "projects.csv", line: 2, column: "svlan"),
                CSVLocation(file: "projects.csv", line: 4, column: "olt_dialect"),
            ])
    }

    // MARK: Rows that disagree

    @Test("a splitter listed twice in a project names the first line")
    func duplicateSplitter() {
        let p = problems(Self.csv([[:], ["splitter_ratio": "1:16"]]))
        #expect(
            p == [
                CSVProblem(
                    CSVLocation(file: "projects.csv", line: 3, column: "splitter_name"),
                    "splitter 'FTTH-A-01' of project P2026-001 is already listed on line 2")
            ])
    }

    @Test("one OLT address with another dialect or name is a problem naming both rows")
    func oltDisagrees() {
        let dialect = problems(Self.csv([[:], ["olt_dialect": "zte", "splitter_name": "FTTH-A-02"]]))
        #expect(dialect.map(\.location) == [CSVLocation(file: "projects.csv", line: 3, column: "olt_ip")])
        #expect(
            dialect.first?.message
                == "OLT 10.0.0.1 is 'OLT-A' (huawei-ma5800) on projects.csv:2 column 'olt_ip' but 'OLT-A' (zte-c300) here"
        )
        let name = problems(Self.csv([[:], ["olt_name": "OLT-Z", "splitter_name": "FTTH-A-02"]]))
        #expect(name.map(\.location) == [CSVLocation(file: "projects.csv", line: 3, column: "olt_ip")])
    }

    @Test("one PON port with another SVLAN is a problem naming both rows")
    func ponDisagrees() {
        let p = problems(Self.csv([[:], ["svlan": "101", "splitter_name": "FTTH-A-02"]]))
        #expect(
            p == [
                CSVProblem(
                    CSVLocation(file: "projects.csv", line: 3, column: "svlan"),
                    "PON port 0/1/3 of OLT 10.0.0.1 has SVLAN 100 on projects.csv:2 column 'svlan' but 101 here")
            ])
        // The same PON number on another OLT is another PON port.
        #expect(throws: Never.self) {
            try ProjectImportPlan(
                csv: Self.csv([[:], ["svlan": "101", "splitter_name": "FTTH-A-02", "olt_ip": "10.0.0.9"]]),
                file: "p.csv")
        }
    }

    @Test("one project described two ways is a problem")
    func projectDisagrees() {
        let p = problems(Self.csv([[:], ["project_name": "Other name", "splitter_name": "FTTH-A-02"]]))
        #expect(p.map(\.location) == [CSVLocation(file: "projects.csv", line: 3, column: "project_name")])
        let q = problems(Self.csv([[:], ["acceptance_required": "no", "splitter_name": "FTTH-A-02"]]))
        #expect(q.first?.message.contains("described differently on projects.csv:2") == true)
    }

    @Test("a header without rows is a problem")
    func noSplitters() {
        let p = problems(Self.columns.joined(separator: ",") + "\n")
        #expect(p == [CSVProblem(CSVLocation(file: "projects.csv", line: 2), "the file has a header but no splitters")])
    }

    @Test("a missing required column stops the import before any row is read")
    func missingColumn() {
        let header = ProjectImportPlan.requiredColumns.filter { $0 != "svlan" }.joined(separator: ",")
        let p = problems(header + "\nP1,Project,OLT-Z,192.168.1.1,c600,0/2/1,S1,1:16\n")
        #expect(
            p == [
                CSVProblem(
                    CSVLocation(file: "projects.csv", line: 1, column: "svlan"),
                    "required column is missing from the header")
            ])
    }
}
