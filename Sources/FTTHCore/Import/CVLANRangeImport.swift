/// Test CVLAN ranges from a CSV with columns `name,olt_ip,first,last` (`olt_ip` empty = any OLT).
public struct CVLANRangeImport: Sendable {
    public var ranges: [ProjectImportPlan.Located<CVLANRange>]

    public static let requiredColumns = ["name", "first", "last"]
    public static let optionalColumns = ["olt_ip"]

    /// Parses and validates; throws ``CSVProblems`` with every problem, and then yields nothing.
    public init(csv text: String, file: String) throws {
        let table = try CSVTable(text: text, file: file, required: Self.requiredColumns, optional: Self.optionalColumns)
        var problems: [CSVProblem] = []
        var ranges: [ProjectImportPlan.Located<CVLANRange>] = []
        var names: [String: Int] = [:]
        for row in table.rows {
            func at(_ column: String) -> CSVLocation { CSVLocation(file: file, line: row.line, column: column) }
            func text(_ column: String) -> String { (row.fields[column] ?? "").trimmingWhitespace() }
            let name = text("name")
            if name.isEmpty { problems.append(CSVProblem(at("name"), "is empty; a value is required")) }
            if let line = names[name], !name.isEmpty {
                problems.append(CSVProblem(at("name"), "range '\(name)' is already defined on line \(line)"))
            }
            names[name] = row.line
            var olt: ManagementAddress?
            let oltText = text("olt_ip")
            if !oltText.isEmpty {
                olt = ManagementAddress(oltText)
                if olt == nil {
                    problems.append(CSVProblem(at("olt_ip"), "'\(oltText)' is not an IPv4 or IPv6 address"))
                }
            }
            let first = Int(text("first")).flatMap(VLANID.init)
            if first == nil { problems.append(CSVProblem(at("first"), "'\(text("first"))' is not a VLAN id 1-4094")) }
            let last = Int(text("last")).flatMap(VLANID.init)
            if last == nil { problems.append(CSVProblem(at("last"), "'\(text("last"))' is not a VLAN id 1-4094")) }
            guard let first, let last, !name.isEmpty, oltText.isEmpty || olt != nil else { continue }
            let range = CVLANRange(name: name, olt: olt, first: first, last: last)
            if let problem = range.validationProblem {
                problems.append(CSVProblem(at("last"), problem))
                continue
            }
            ranges.append(.init(value: range, location: at("name")))
        }
        // Two ranges for the same OLT scope must not overlap: an overlap hides a typo.
        for (i, a) in ranges.enumerated() {
            for b in ranges[..<i]
            where a.value.olt == b.value.olt
                && a.value.first <= b.value.last && b.value.first <= a.value.last
            {
                problems.append(
                    CSVProblem(a.location, "range \(a.value) overlaps range \(b.value) from line \(b.location.line)"))
            }
        }
        if !problems.isEmpty { throw CSVProblems(problems) }
        self.ranges = ranges
    }
}

/// PPPoE test accounts from a CSV with columns `username,password`.
public struct TestAccountImport: Sendable {
    public var accounts: [ProjectImportPlan.Located<TestAccount>]

    /// Parses and validates; throws ``CSVProblems`` with every problem, and then yields nothing.
    public init(csv text: String, file: String) throws {
        let table = try CSVTable(text: text, file: file, required: ["username", "password"])
        var problems: [CSVProblem] = []
        var accounts: [ProjectImportPlan.Located<TestAccount>] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            func at(_ column: String) -> CSVLocation { CSVLocation(file: file, line: row.line, column: column) }
            let username = (row.fields["username"] ?? "").trimmingWhitespace()
            let password = row.fields["password"] ?? ""
            if username.isEmpty { problems.append(CSVProblem(at("username"), "is empty; a value is required")) }
            if password.isEmpty { problems.append(CSVProblem(at("password"), "is empty; a value is required")) }
            for (column, value) in [("username", username), ("password", password)]
            where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append(CSVProblem(at(column), "contains a control character; PPPoE accounts cannot hold one"))
            }
            if let line = seen[username], !username.isEmpty {
                problems.append(CSVProblem(at("username"), "account '\(username)' is already listed on line \(line)"))
            }
            seen[username] = row.line
            accounts.append(.init(value: TestAccount(username: username, password: password), location: at("username")))
        }
        if !problems.isEmpty { throw CSVProblems(problems) }
        self.accounts = accounts
    }
}
