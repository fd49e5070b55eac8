import FTTHCore
import Testing

/// The `ftthctl evaluate` input: a port label and four powers per row.
@Suite("Evaluation rows")
struct EvaluationRowTests {
    static let header = "port,olt_tx_dbm,olt_rx_dbm,onu_tx_dbm,onu_rx_dbm\n"

    func problems(_ text: String) -> [CSVProblem] {
        do {
            _ = try EvaluationRow.parse(csv: text, file: "eval.csv")
            return []
        } catch let error as CSVProblems {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("values, empty cells and sentinels")
    func good() throws {
        let text =
            Self.header + """
                FTTH-A-01/1,3.00,-22.00,2.00,-18.00
                FTTH-A-01/2, 2.5 ,-80000,2147483647,
                "FTTH-A-01/3, drop",−3.10,-/-,N/A,-60
                """
        let rows = try EvaluationRow.parse(csv: text, file: "eval.csv")
        #expect(rows.map(\.port) == ["FTTH-A-01/1", "FTTH-A-01/2", "FTTH-A-01/3, drop"])
        #expect(rows.map(\.location) == [2, 3, 4].map { CSVLocation(file: "eval.csv", line: $0) })
        #expect(rows[0].readings == readings(oltTx: 300, oltRx: -2200, onuTx: 200, onuRx: -1800))
        #expect(rows[1].readings.oltTx == .dBm(DBm(centi: 250)))
        #expect(rows[1].readings.oltRx == .missing(.sentinel, raw: "-80000"))
        #expect(rows[1].readings.onuTx == .missing(.sentinel, raw: "2147483647"))
        #expect(rows[1].readings.onuRx == .missing(.absent))
        #expect(rows[2].readings.oltTx == .dBm(DBm(centi: -310)))
        #expect(rows[2].readings.oltRx == .missing(.sentinel, raw: "-/-"))
        #expect(rows[2].readings.onuRx == .missing(.outOfRange, raw: "-60"))
        // The rows feed the evaluation directly.
        #expect(ThresholdProfile.build.evaluate(rows[0].readings).verdict == .pass)
        #expect(ThresholdProfile.build.evaluate(rows[1].readings).verdict == .fail)
    }

    @Test("header only gives no rows")
    func headerOnly() throws {
        #expect(try EvaluationRow.parse(csv: Self.header, file: "eval.csv").isEmpty)
    }

    @Test("text that is not a power is a problem at its line and column; nothing is judged")
    func garbled() {
        let p = problems(Self.header + "A,3.00,-22.00,2.00,-18.00\nB,3.00,abc,2.00,-18.00\nC,x,-22,2,-18\n")
        #expect(
            p.map(\.location) == [
                CSVLocation(file: "eval.csv", line: 3, column: "olt_rx_dbm"),
                CSVLocation(file: "eval.csv", line: 4, column: "olt_tx_dbm"),
            ])
        #expect(p.first?.message.hasPrefix("'abc' is not a power in dBm") == true)
    }

    @Test("an empty port label is a problem")
    func emptyPort() {
        let p = problems(Self.header + "  ,3.00,-22.00,2.00,-18.00\n")
        #expect(p == [CSVProblem(CSVLocation(file: "eval.csv", line: 2, column: "port"), "is empty; name the port")])
    }

    @Test("a missing column or a short row is a problem from the CSV reader")
    func structure() {
        let missing = problems("port,olt_tx_dbm,olt_rx_dbm,onu_tx_dbm\nA,1,2,3\n")
        #expect(missing.contains { $0.location.column == "onu_rx_dbm" && $0.location.line == 1 })
        let short = problems(Self.header + "A,1,2\n")
        #expect(short.map(\.location) == [CSVLocation(file: "eval.csv", line: 2)])
    }
}
