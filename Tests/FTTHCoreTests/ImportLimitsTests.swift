import FTTHCore
import Testing

/// The plausibility limits of a project import (issue 12, defect 3): each is refused with a
/// problem naming the row, project or PON port and the configuration key.
@Suite("Import limits")
struct ImportLimitsTests {
    static let header =
        "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports\n"

    /// A row of project `project` with splitter `splitter` on PON `pon` of OLT 10.0.0.1.
    static func row(_ project: String, _ splitter: String, pon: String = "0/1/0", ratio: String = "1:8", ports: Int = 8)
        -> String
    {
        "\(project),Name \(project),HW-1,10.0.0.1,huawei-ma5800,\(pon),1001,\(splitter),\(ratio),\(ports)\n"
    }

    func refusal(_ csv: String, _ limits: ImportLimits) -> CSVProblems? {
        do {
            _ = try ProjectImportPlan(csv: csv, file: "big.csv", limits: limits)
            return nil
        } catch let problems as CSVProblems {
            return problems
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("a file larger than max_file_bytes is refused while it is read, not after")
    func fileBytes() throws {
        var reader = ProjectImportPlan.Reader(file: "big.csv", limits: ImportLimits(maxFileBytes: 2048))
        let row = Array(Self.row("P1", "S1").utf8)
        try reader.read(Array(Self.header.utf8))
        var refused: CSVProblems?
        for i in 0..<100 {
            do {
                try reader.read(row)
            } catch let problems as CSVProblems {
                refused = problems
                #expect(i < 40, "refused at row \(i)")
                break
            }
        }
        let problems = try #require(refused)
        #expect(problems.code == "import.too_large")
        #expect(problems.problems.first?.message.contains("import.max_file_bytes") == true)
        #expect(reader.byteCount <= 2048)
    }

    @Test("more rows than max_rows: the first row beyond is named with the key")
    func rows() throws {
        let csv = Self.header + (1...4).map { Self.row("P1", "S\($0)", pon: "0/1/\($0)") }.joined()
        let problems = try #require(refusal(csv, ImportLimits(maxRows: 3)))
        #expect(problems.code == "import.limit")
        #expect(problems.problems.first?.location.line == 5)
        #expect(problems.problems.first?.message.contains("import.max_rows") == true)
    }

    @Test("more projects than max_projects: the first project beyond is named")
    func projects() throws {
        let csv = Self.header + (1...3).map { Self.row("P\($0)", "S1", pon: "0/1/\($0)") }.joined()
        let problems = try #require(refusal(csv, ImportLimits(maxProjects: 2)))
        #expect(problems.code == "import.limit")
        let first = try #require(problems.problems.first)
        #expect(first.location.line == 4)
        #expect(first.location.column == "project_code")
        #expect(first.message.contains("P3") && first.message.contains("import.max_projects"))
    }

    @Test("more splitters on one PON port than max_splitters_per_pon: the PON port is named once")
    func splittersPerPON() throws {
        let csv = Self.header + (1...4).map { Self.row("P1", "S\($0)", ports: 1) }.joined()
        let problems = try #require(refusal(csv, ImportLimits(maxSplittersPerPON: 2)))
        #expect(problems.code == "import.limit")
        #expect(problems.problems.count == 1)
        let first = try #require(problems.problems.first)
        #expect(first.location.line == 4)
        #expect(first.location.column == "pon")
        #expect(first.message.contains("0/1/0") && first.message.contains("10.0.0.1"))
        #expect(first.message.contains("import.max_splitters_per_pon"))
    }

    @Test("more ports on one PON port than a GPON port serves (128 by default) is refused")
    func portsPerPON() throws {
        let csv =
            Self.header + Self.row("P1", "S1", ratio: "1:128", ports: 100) + Self.row("P2", "S2", ports: 8)
            + Self.row("P2", "S3", ratio: "1:32", ports: 32)
        let problems = try #require(refusal(csv, .standard))
        #expect(problems.code == "import.limit")
        #expect(problems.problems.map(\.location.line) == [4])
        #expect(problems.problems[0].message.contains("140 splitter ports"))
        #expect(problems.problems[0].message.contains("import.max_ports_per_pon"))
        // The same ports spread over two PON ports are plausible.
        let spread = Self.header + Self.row("P1", "S1", ratio: "1:128", ports: 100) + Self.row("P2", "S2", pon: "0/1/1")
        #expect(refusal(spread, .standard) == nil)
    }

    @Test("a splitter's ports are bounded by its ratio")
    func portsPerSplitter() throws {
        let problems = try #require(refusal(Self.header + Self.row("P1", "S1", ratio: "1:8", ports: 9), .standard))
        #expect(problems.problems.first?.message.contains("exceed the splitter's 1:8 outputs") == true)
    }

    @Test("a file read in chunks of any size, even inside a character, gives the plan read whole")
    func chunked() throws {
        let csv =
            "\u{FEFF}" + Self.header + Self.row("花园苑", "分光器-1")
            + "\"P,2\",\"two, \"\"lines\"\"\",HW-1,10.0.0.1,huawei-ma5800,0/1/1,1001,\"S \"\"x\"\"\",1:4,\r\n"
        let whole = try ProjectImportPlan(csv: csv, file: "f.csv")
        let bytes = Array(csv.utf8)
        for size in [1, 2, 3, 7, 64] {
            var reader = ProjectImportPlan.Reader(file: "f.csv")
            var start = 0
            while start < bytes.count {
                try reader.read(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            let plan = try reader.finish()
            #expect(plan.projects.map(\.value) == whole.projects.map(\.value), "chunks of \(size)")
            #expect(plan.splitters.map(\.value) == whole.splitters.map(\.value), "chunks of \(size)")
            #expect(plan.splitters.map(\.location) == whole.splitters.map(\.location), "chunks of \(size)")
        }
        #expect(whole.projects.map(\.value.code) == ["花园苑", "P,2"])
        #expect(whole.splitters.map(\.value.name) == ["分光器-1", "S \"x\""])
    }

    @Test("bytes that are not UTF-8 are refused naming the line")
    func notUTF8() throws {
        var reader = ProjectImportPlan.Reader(file: "f.csv")
        try reader.read(Array(Self.header.utf8))
        #expect(throws: CSVProblems.self) {
            try reader.read([0x50, 0xFF, 0x2C])
        }
    }
}
