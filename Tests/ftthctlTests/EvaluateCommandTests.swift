import Foundation
import Testing

@Suite struct EvaluateCommandTests {
    let readings = """
        port,olt_tx_dbm,olt_rx_dbm,onu_tx_dbm,onu_rx_dbm
        A/1,3.21,-18.52,2.10,-17.40
        A/2,3.21,-19.03,2.05,-21.40
        A/3,3.21,-20.00,2.12,-20.00
        B/1,4.02,,2.20,-16.90
        B/2,5.37,-/-,2.42,no signal
        """

    @Test func jsonHasOneObjectPerRowWithTheDocumentedKeys() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("r.csv", readings)
        let result = try cli.run("evaluate", "--profile", "build", "--csv", "r.csv", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 5)
        for object in array {
            #expect(
                Set(object.keys)
                    == [
                        "port", "downstream_attenuation_db", "upstream_attenuation_db", "line_verdict", "reasons",
                        "warnings",
                    ])
        }
        #expect(array.map { $0["port"] as? String } == ["A/1", "A/2", "A/3", "B/1", "B/2"])
        // The operator's rule: ONU rx binds; B/1's missing OLT rx is a warning, not a failure.
        #expect(array.map { $0["line_verdict"] as? String } == ["pass", "fail", "pass", "pass", "fail"])
        #expect((array[0]["downstream_attenuation_db"] as? Double) == 20.61)
        #expect((array[0]["upstream_attenuation_db"] as? Double) == 20.62)
        #expect((array[0]["reasons"] as? [String]) == [])
        #expect(
            (array[1]["reasons"] as? [String])?.first?.hasPrefix("ONU rx -21.40 dBm below build limit -20.00 dBm")
                == true)
        // Exactly at the limit passes.
        #expect((array[2]["downstream_attenuation_db"] as? Double) == 23.21)
        // A missing OLT rx: upstream is null, downstream is still computed.
        #expect(array[3]["upstream_attenuation_db"] is NSNull)
        #expect((array[3]["downstream_attenuation_db"] as? Double) == 20.92)
        #expect((array[3]["reasons"] as? [String]) == [])
        let warnings = try #require(array[3]["warnings"] as? [String])
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.contains("no reading") })
        #expect(array[4]["downstream_attenuation_db"] is NSNull)
        // The number is written as it was computed, two decimals, not as a binary float.
        #expect(result.stdout.contains("\"downstream_attenuation_db\": 20.61"))
    }

    @Test func theUserProfileIsLooser() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("r.csv", readings)
        let result = try cli.run("evaluate", "--profile", "user", "--csv", "r.csv", "--json")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array[1]["line_verdict"] as? String == "pass")
    }

    @Test func theHumanTableShowsVerdictsAndATotal() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("r.csv", readings)
        let result = try cli.run("evaluate", "--profile", "build", "--csv", "r.csv")
        #expect(result.status == 0)
        #expect(result.stdout.contains("A/2"))
        #expect(result.stdout.contains("24.61"))
        #expect(result.stdout.contains("pass (warning)"))
        #expect(result.stdout.contains("warning (advisory, not a failure): OLT rx: no reading"))
        #expect(result.stdout.contains("5 port(s) judged against profile 'build': 3 pass, 2 fail"))
    }

    @Test func aGarbledCellNamesFileLineAndColumnAndJudgesNothing() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write(
            "bad.csv",
            "port,olt_tx_dbm,olt_rx_dbm,onu_tx_dbm,onu_rx_dbm\nA/1,3.2,-18,2.1,-17\nA/2,3.2,-18,2.1,minus 17\n")
        let result = try cli.run("evaluate", "--profile", "build", "--csv", "bad.csv", "--json")
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("bad.csv:3 column 'onu_rx_dbm'"))
        #expect(result.stderr.contains("'minus 17' is not a power in dBm"))
    }

    @Test func anUnknownProfileOrMissingFileIsAClearError() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("r.csv", readings)
        let unknown = try cli.run("evaluate", "--profile", "nope", "--csv", "r.csv")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no threshold profile 'nope'"))
        let missing = try cli.run("evaluate", "--profile", "build", "--csv", "missing.csv")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read missing.csv"))
    }

    @Test func profilesComeFromTheConfigFile() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("r.csv", readings)
        try cli.write("c.toml", "[thresholds.lenient]\nmin_onu_rx_dbm = -22\n")
        let result = try cli.run("evaluate", "--config", "c.toml", "--profile", "lenient", "--csv", "r.csv", "--json")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["line_verdict"] as? String } == ["pass", "pass", "pass", "pass", "fail"])
        try cli.write("bad.toml", "[thresholds.build]\nmin_onu_rx_dbm = \"x\"\n")
        let bad = try cli.run("evaluate", "--config", "bad.toml", "--profile", "build", "--csv", "r.csv")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("bad.toml: key 'thresholds.build.min_onu_rx_dbm'"))
    }
}
