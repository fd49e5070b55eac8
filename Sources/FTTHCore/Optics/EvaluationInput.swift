/// One row of an `ftthctl evaluate` input: a port label and its four powers.
public struct EvaluationRow: Sendable, Hashable {
    public var port: String
    public var readings: OpticalReadings
    public var location: CSVLocation
}

extension EvaluationRow {
    /// The columns of an evaluation CSV; an empty cell is "no reading".
    public static let columns = ["port", "olt_tx_dbm", "olt_rx_dbm", "onu_tx_dbm", "onu_rx_dbm"]

    /// Parses an evaluation CSV. Empty cells and vendor sentinels are "no reading"; any other
    /// text that is not a number is a problem naming file, line and column, and nothing is judged.
    public static func parse(csv text: String, file: String) throws -> [EvaluationRow] {
        let table = try CSVTable(text: text, file: file, required: columns)
        var problems: [CSVProblem] = []
        var rows: [EvaluationRow] = []
        for row in table.rows {
            func reading(_ column: String) -> PowerReading {
                let raw = row.fields[column] ?? ""
                let r = PowerReading(parsingDBm: raw)
                if case .noReading(let n) = r, n.cause == .garbled {
                    problems.append(
                        CSVProblem(
                            CSVLocation(file: file, line: row.line, column: column),
                            "'\(raw)' is not a power in dBm; write a number such as -21.40, or leave the cell empty for no reading"
                        ))
                }
                return r
            }
            let port = (row.fields["port"] ?? "").trimmingWhitespace()
            if port.isEmpty {
                problems.append(
                    CSVProblem(CSVLocation(file: file, line: row.line, column: "port"), "is empty; name the port"))
            }
            let readings = OpticalReadings(
                oltTx: reading("olt_tx_dbm"), oltRx: reading("olt_rx_dbm"), onuTx: reading("onu_tx_dbm"),
                onuRx: reading("onu_rx_dbm"))
            rows.append(
                EvaluationRow(port: port, readings: readings, location: CSVLocation(file: file, line: row.line)))
        }
        if !problems.isEmpty { throw CSVProblems(problems) }
        return rows
    }
}
