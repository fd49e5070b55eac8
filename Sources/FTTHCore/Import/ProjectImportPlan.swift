/// The validated content of a project export, ready for the store to write in one transaction.
/// Each entity keeps the line it came from so that a conflict with stored data can name it.
public struct ProjectImportPlan: Sendable {
    public struct Located<T: Sendable>: Sendable {
        public var value: T
        public var location: CSVLocation
    }

    /// A splitter as the file describes it; the store gives it its ordinal on the PON port.
    public struct SplitterEntry: Sendable, Hashable {
        public var projectCode: String
        public var name: String
        public var ratio: SplitRatio
        public var portCount: Int
        public var olt: ManagementAddress
        public var pon: PONAddress
        /// The plan rate of the splitter's ports, Mbit/s, that the service test judges against;
        /// nil when the row gives none (required when the project needs a service test).
        public var planMbps: Double?
        /// The ODN the resource system designed in front of the splitter's ports, for the
        /// diagnosis of where light is lost; empty when the export has none.
        public var design: ODNDesign = .none
    }

    public var projects: [Located<Project>]
    public var olts: [Located<OLT>]
    public var ponPorts: [Located<PONPort>]
    public var splitters: [Located<SplitterEntry>]
    /// The limits the plan was checked against; the store applies them again with what each PON
    /// port already carries.
    public var limits: ImportLimits

    /// Total splitter ports the plan creates.
    public var portCount: Int { splitters.reduce(0) { $0 + $1.value.portCount } }

    /// The columns of a project export, one row per last-level splitter (docs/import.md).
    public static let requiredColumns = [
        "project_code", "project_name", "olt_name", "olt_ip", "olt_dialect", "pon", "svlan", "splitter_name",
        "splitter_ratio",
    ]
    public static let optionalColumns = [
        "acceptance_required", "splitter_ports", "service_test", "plan_mbps", "feeder_km", "drop_m",
        "upstream_ratios", "connectors", "splices",
    ]

    /// Parses and validates a project export. Throws ``CSVProblems`` listing every problem with
    /// its file, line and column; a file with any problem yields no plan at all.
    public init(csv text: String, file: String, limits: ImportLimits = .standard) throws {
        var reader = Reader(file: file, limits: limits)
        try reader.read(text.utf8)
        self = try reader.finish()
    }

    /// Validates rows with the columns of a project export, wherever they came from (a CSV
    /// file, or a JSON body the API turned into the same fields). Throws ``CSVProblems``.
    public init(table: CSVTable, limits: ImportLimits = .standard) throws {
        var builder = Builder(file: table.file, limits: limits)
        for row in table.rows { try builder.add(row) }
        self = try builder.finish()
    }

    init(
        projects: [Located<Project>], olts: [Located<OLT>], ponPorts: [Located<PONPort>],
        splitters: [Located<SplitterEntry>], limits: ImportLimits
    ) {
        self.projects = projects
        self.olts = olts
        self.ponPorts = ponPorts
        self.splitters = splitters
        self.limits = limits
    }

    /// Reads a project export as its bytes arrive (an upload, a file read in chunks): records
    /// are validated one by one and only the plan is kept, never the file's text. Stops at the
    /// first broken limit of ``ImportLimits`` (size, rows, projects) rather than read on.
    public struct Reader: Sendable {
        private var records: CSVRecordReader
        private var builder: Builder
        private var header: [String]?
        private var headerProblems: [CSVProblem] = []
        private var rowProblems: [CSVProblem] = []
        private let limits: ImportLimits

        /// A reader of the file named `file` (for messages), refusing what breaks `limits`.
        public init(file: String, limits: ImportLimits = .standard) {
            records = CSVRecordReader(file: file)
            builder = Builder(file: file, limits: limits)
            self.limits = limits
        }

        /// Bytes read so far.
        public var byteCount: Int { records.byteCount }

        /// Reads the next bytes. Throws ``CSVProblems`` as soon as a limit is broken (the file
        /// is too large, has too many rows or projects) or the bytes are not UTF-8.
        public mutating func read(_ bytes: some Collection<UInt8>) throws {
            if records.byteCount + bytes.count > limits.maxFileBytes {
                throw limits.fileTooLarge(file: records.file, bytes: records.byteCount + bytes.count)
            }
            // The record reader works on a local copy so that its callback may change the rest.
            var records = self.records
            defer { self.records = records }
            try records.read(bytes) { try take($0) }
        }

        /// Ends the file and returns its plan. Throws ``CSVProblems`` with every problem found.
        public mutating func finish() throws -> ProjectImportPlan {
            var records = self.records
            defer { self.records = records }
            try records.finish { try take($0) }
            if header == nil {
                headerProblems =
                    CSVTable.header(
                        nil, file: records.file, required: requiredColumns, optional: optionalColumns
                    ).problems
            }
            // The values are worth checking only once every row has the header's columns.
            if !headerProblems.isEmpty || !rowProblems.isEmpty { throw CSVProblems(headerProblems + rowProblems) }
            return try builder.finish()
        }

        private mutating func take(_ record: CSVRecordReader.Record) throws {
            guard let columns = header else {
                let checked = CSVTable.header(
                    record, file: records.file, required: requiredColumns, optional: optionalColumns)
                header = checked.header
                headerProblems = checked.problems
                return
            }
            switch CSVTable.row(record, header: columns, file: records.file) {
            case .success(let row) where headerProblems.isEmpty && rowProblems.isEmpty: try builder.add(row)
            case .success: break
            case .failure(let problem): rowProblems.append(problem)
            }
        }
    }

    /// Validates rows one at a time and gathers the plan; ``finish()`` gives it or every problem.
    public struct Builder: Sendable {
        let file: String
        let limits: ImportLimits
        private(set) var problems: [CSVProblem] = []
        private var limitBroken = false
        private var rowCount = 0
        private var projects: [String: Located<Project>] = [:]
        private var projectOrder: [String] = []
        private var olts: [ManagementAddress: Located<OLT>] = [:]
        private var oltOrder: [ManagementAddress] = []
        private var pons: [PONKey: Located<PONPort>] = [:]
        private var ponOrder: [PONKey] = []
        private var ponLoad: [PONKey: (splitters: Int, ports: Int)] = [:]
        private var overloaded: Set<PONKey> = []
        private var splitters: [Located<SplitterEntry>] = []
        private var splitterNames: [String: CSVLocation] = [:]

        /// A builder for rows of `file` (for messages), refusing what breaks `limits`.
        public init(file: String, limits: ImportLimits = .standard) {
            self.file = file
            self.limits = limits
        }

        /// A plausibility limit is broken: the refusal names it first, then what was found so far.
        private func refusal(_ problem: CSVProblem) -> CSVProblems {
            CSVProblems([problem] + problems, code: "import.limit")
        }

        /// Validates one row. Its problems are kept for ``finish()``; throws ``CSVProblems`` at
        /// once only when the row breaks the limit of rows or projects per file.
        public mutating func add(_ row: CSVTable.Row) throws {
            rowCount += 1
            guard rowCount <= limits.maxRows else {
                throw refusal(
                    CSVProblem(
                        CSVLocation(file: file, line: row.line),
                        "is data row \(rowCount); a file holds at most \(limits.maxRows) rows (import.max_rows): split the export"
                    ))
            }
            func at(_ column: String) -> CSVLocation { CSVLocation(file: file, line: row.line, column: column) }
            func text(_ column: String) -> String { (row.fields[column] ?? "").trimmingWhitespace() }
            func require(_ column: String) -> String? {
                let t = text(column)
                if t.isEmpty { problems.append(CSVProblem(at(column), "is empty; a value is required")) }
                return t.isEmpty ? nil : t
            }
            // Free text people read back: the one rule of every route that takes these fields.
            func checkText(_ column: String, _ rule: TextFieldRule = .name) -> String? {
                do {
                    return try rule.validated(row.fields[column] ?? "")
                } catch {
                    problems.append(CSVProblem(at(column), error.description))
                    return nil
                }
            }

            let code = checkText("project_code", .projectCode)
            let projectName = checkText("project_name")
            var acceptance = true
            let acceptanceText = text("acceptance_required").lowercased()
            if !acceptanceText.isEmpty {
                switch acceptanceText {
                case "yes", "y", "true", "1", "是": acceptance = true
                case "no", "n", "false", "0", "否": acceptance = false
                default: problems.append(CSVProblem(at("acceptance_required"), "'\(acceptanceText)' is not yes or no"))
                }
            }
            var serviceTest = false
            let serviceText = text("service_test").lowercased()
            if !serviceText.isEmpty {
                switch serviceText {
                case "yes", "y", "true", "1", "是": serviceTest = true
                case "no", "n", "false", "0", "否": serviceTest = false
                default: problems.append(CSVProblem(at("service_test"), "'\(serviceText)' is not yes or no"))
                }
            }
            var planMbps: Double?
            let planText = text("plan_mbps")
            if planText.isEmpty {
                if serviceTest {
                    problems.append(
                        CSVProblem(
                            at("plan_mbps"),
                            "is empty; the service test judges throughput against the plan rate, give it in Mbit/s (such as 300)"
                        ))
                }
            } else if let value = Double(planText), value.isFinite, value > 0, value <= 100_000 {
                planMbps = value
            } else {
                problems.append(
                    CSVProblem(
                        at("plan_mbps"), "'\(planText)' is not a plan rate in Mbit/s (a number above 0, such as 300)"))
            }
            let oltName = checkText("olt_name")
            var oltAddress: ManagementAddress?
            if let t = require("olt_ip") {
                oltAddress = ManagementAddress(t)
                if oltAddress == nil {
                    problems.append(CSVProblem(at("olt_ip"), "'\(t)' is not an IPv4 or IPv6 address"))
                }
            }
            var dialect: VendorDialect?
            if let t = require("olt_dialect") {
                dialect = VendorDialect(name: t)
                if dialect == nil {
                    problems.append(
                        CSVProblem(
                            at("olt_dialect"),
                            "'\(t)' is not a known dialect; use one of \(VendorDialect.acceptedNames)"))
                }
            }
            var pon: PONAddress?
            if let t = require("pon") {
                pon = PONAddress(t)
                if pon == nil {
                    problems.append(CSVProblem(at("pon"), "'\(t)' is not a frame/slot/port such as 0/1/3"))
                }
            }
            var svlan: VLANID?
            if let t = require("svlan") {
                svlan = Int(t).flatMap(VLANID.init)
                if svlan == nil { problems.append(CSVProblem(at("svlan"), "'\(t)' is not a VLAN id 1-4094")) }
            }
            let splitterName = checkText("splitter_name")
            var ratio: SplitRatio?
            if let t = require("splitter_ratio") {
                ratio = SplitRatio(t)
                if ratio == nil {
                    problems.append(
                        CSVProblem(at("splitter_ratio"), "'\(t)' is not a split ratio such as 1:8 (1:2 … 1:128)"))
                }
            }
            var portCount = ratio?.outputs
            let portsText = text("splitter_ports")
            if !portsText.isEmpty {
                if let n = Int(portsText), n >= 1 {
                    if let ratio, n > ratio.outputs {
                        problems.append(
                            CSVProblem(at("splitter_ports"), "\(n) ports exceed the splitter's \(ratio) outputs"))
                    }
                    portCount = n
                } else {
                    problems.append(CSVProblem(at("splitter_ports"), "'\(portsText)' is not a port count of 1 or more"))
                }
            }

            // The ODN design (docs/import.md): optional, each part on its own.
            var design = ODNDesign.none
            func number(_ column: String, _ range: ClosedRange<Double>, _ what: String) -> Double? {
                let t = text(column)
                guard !t.isEmpty else { return nil }
                if let v = Double(t), v.isFinite, range.contains(v) { return v }
                problems.append(CSVProblem(at(column), "'\(t)' is not \(what)"))
                return nil
            }
            design.feederKm = number(
                "feeder_km", 0...60, "a fibre length in km from the OLT to the splitter (0 … 60, such as 3.2)")
            design.dropMetres = number("drop_m", 0...5000, "a drop length in metres (0 … 5000, such as 80)")
            design.connectors = number("connectors", 0...40, "a count of mated connectors on the path (0 … 40)")
                .flatMap { $0 == $0.rounded() ? Int($0) : nil }
            design.splices = number("splices", 0...100, "a count of splices on the path (0 … 100)")
                .flatMap { $0 == $0.rounded() ? Int($0) : nil }
            let stagesText = text("upstream_ratios")
            if !stagesText.isEmpty {
                if let ratios = ODNDesign.parseRatios(stagesText), ratios.count <= 3 {
                    design.upstreamRatios = ratios
                } else {
                    problems.append(
                        CSVProblem(
                            at("upstream_ratios"),
                            "'\(stagesText)' is not the splitter stages in front of this one; write their ratios nearest the OLT first, joined by +, such as 1:4 or 1:2+1:4"
                        ))
                }
            }
            for column in ["connectors", "splices"] {
                let t = text(column)
                if let v = Double(t), v != v.rounded() {
                    problems.append(CSVProblem(at(column), "'\(t)' is not a whole count"))
                }
            }

            guard let code, let projectName, let oltName, let oltAddress, let dialect, let pon, let svlan,
                let splitterName, let ratio, let portCount
            else { return }

            // The same project, OLT and PON port may appear on many rows; they must agree.
            let project = Project(
                code: code, name: projectName, acceptanceRequired: acceptance, serviceTest: serviceTest)
            if let existing = projects[code] {
                if existing.value.name != projectName || existing.value.acceptanceRequired != acceptance {
                    problems.append(
                        CSVProblem(
                            at("project_name"),
                            "project \(code) was described differently on \(existing.location): name and acceptance_required must match"
                        ))
                } else if existing.value.serviceTest != serviceTest {
                    problems.append(
                        CSVProblem(
                            at("service_test"),
                            "project \(code) has service_test \(existing.value.serviceTest ? "yes" : "no") on \(existing.location) but \(serviceTest ? "yes" : "no") here; a project's ports are all service-tested or none"
                        ))
                }
            } else {
                guard projects.count < limits.maxProjects else {
                    throw refusal(
                        CSVProblem(
                            at("project_code"),
                            "project \(code) is project \(projects.count + 1) of the file; at most \(limits.maxProjects) are imported at once (import.max_projects): split the export"
                        ))
                }
                projects[code] = Located(value: project, location: at("project_code"))
                projectOrder.append(code)
            }
            let olt = OLT(name: oltName, address: oltAddress, dialect: dialect)
            if let existing = olts[oltAddress] {
                if existing.value != olt {
                    problems.append(
                        CSVProblem(
                            at("olt_ip"),
                            "OLT \(oltAddress) is '\(existing.value.name)' (\(existing.value.dialect.rawValue)) on \(existing.location) but '\(oltName)' (\(dialect.rawValue)) here"
                        ))
                }
            } else {
                olts[oltAddress] = Located(value: olt, location: at("olt_ip"))
                oltOrder.append(oltAddress)
            }
            let key = PONKey(olt: oltAddress, pon: pon)
            if let existing = pons[key] {
                if existing.value.svlan != svlan {
                    problems.append(
                        CSVProblem(
                            at("svlan"),
                            "PON port \(pon) of OLT \(oltAddress) has SVLAN \(existing.value.svlan) on \(existing.location) but \(svlan) here"
                        ))
                }
            } else {
                pons[key] = Located(value: PONPort(olt: oltAddress, address: pon, svlan: svlan), location: at("svlan"))
                ponOrder.append(key)
            }
            let splitterKey = "\(code)\u{0}\(splitterName)"
            if let first = splitterNames[splitterKey] {
                problems.append(
                    CSVProblem(
                        at("splitter_name"),
                        "splitter '\(splitterName)' of project \(code) is already listed on line \(first.line)"))
            } else {
                splitterNames[splitterKey] = at("splitter_name")
                var load = ponLoad[key, default: (0, 0)]
                load.splitters += 1
                load.ports += portCount
                ponLoad[key] = load
                if !overloaded.contains(key),
                    let problem = limits.ponProblem(
                        olt: oltAddress, pon: pon, splitters: load.splitters, ports: load.ports)
                {
                    overloaded.insert(key)
                    limitBroken = true
                    problems.append(CSVProblem(at("pon"), problem))
                }
                splitters.append(
                    Located(
                        value: SplitterEntry(
                            projectCode: code, name: splitterName, ratio: ratio, portCount: portCount, olt: oltAddress,
                            pon: pon, planMbps: planMbps, design: design),
                        location: at("splitter_name")))
            }
        }

        /// The plan, or ``CSVProblems`` with every problem of every row.
        public func finish() throws -> ProjectImportPlan {
            var problems = problems
            if rowCount == 0 {
                problems.append(CSVProblem(CSVLocation(file: file, line: 2), "the file has a header but no splitters"))
            }
            if !problems.isEmpty { throw CSVProblems(problems, code: limitBroken ? "import.limit" : "import.invalid") }
            return ProjectImportPlan(
                projects: projectOrder.map { projects[$0]! }, olts: oltOrder.map { olts[$0]! },
                ponPorts: ponOrder.map { pons[$0]! }, splitters: splitters, limits: limits)
        }
    }

    struct PONKey: Hashable, Sendable {
        var olt: ManagementAddress
        var pon: PONAddress
    }
}
