import FTTHConfig
import FTTHCore
import Foundation
import Testing

/// `[diagnosis]` in ftth-acceptd.toml: the figures the diagnosis of where light is lost uses.
@Suite struct DiagnosisSettingsTests {
    @Test func theDefaultsAreTheStandardFigures() throws {
        #expect(try AcceptdConfiguration(toml: "").diagnosis == .standard)
        #expect(try AcceptdConfiguration(toml: "[diagnosis]\n").diagnosis == .standard)
    }

    @Test func everyKeyIsRead() throws {
        let figures = try AcceptdConfiguration(
            toml: """
                [diagnosis]
                margin_db = 2
                connector_db = 0.5
                splice_db = 0.1
                fibre_db_per_km_1490 = 0.22
                fibre_db_per_km_1310 = 0.33
                min_olt_tx_dbm = 2.0
                min_onu_tx_dbm = 1
                splitter_db = { "1:8" = 10.8, "1:32" = 17.5 }
                """
        ).diagnosis
        var expected = LossFigures.standard
        expected.marginDB = 2
        expected.connectorDB = 0.5
        expected.spliceDB = 0.1
        expected.fibreDownstreamDBPerKm = 0.22
        expected.fibreUpstreamDBPerKm = 0.33
        expected.minOLTTxDBm = 2
        expected.minONUTxDBm = 1
        expected.splitterDB = [8: 10.8, 32: 17.5]
        #expect(figures == expected)
        #expect(figures.splitter(SplitRatio(outputs: 8)!) == 10.8)
        // A ratio left out takes the typical figure.
        #expect(figures.splitter(SplitRatio(outputs: 16)!) == SplitRatio(outputs: 16)!.typicalLoss.value)
    }

    @Test(arguments: [
        ("margin_db = 0", "diagnosis.margin_db"), ("margin_db = \"wide\"", "diagnosis.margin_db"),
        ("connector_db = 4", "diagnosis.connector_db"), ("splice_db = -0.1", "diagnosis.splice_db"),
        ("fibre_db_per_km_1490 = 3", "diagnosis.fibre_db_per_km_1490"),
        ("fibre_db_per_km_1310 = -1", "diagnosis.fibre_db_per_km_1310"),
        ("min_olt_tx_dbm = 20", "diagnosis.min_olt_tx_dbm"), ("min_onu_tx_dbm = \"low\"", "diagnosis.min_onu_tx_dbm"),
        ("splitter_db = { \"1:8\" = 50 }", "diagnosis.splitter_db"),
        ("splitter_db = { \"1:7\" = 10 }", "diagnosis.splitter_db.1:7"),
        ("splitter_db = { \"1:8\" = \"ten\" }", "diagnosis.splitter_db.1:8"),
        ("splitter_db = 10.5", "diagnosis.splitter_db"), ("margin = 1.5", "diagnosis.margin"),
    ])
    func aBadValueNamesItsKey(line: String, key: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try AcceptdConfiguration(toml: "[diagnosis]\n\(line)\n")
        }
        #expect(error?.key == key)
    }

    @Test func theShippedConfigurationDocumentsEveryKeyWithItsDefault() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/ftth-acceptd.toml").path
        #expect(try AcceptdConfiguration(contentsOfFile: path).diagnosis == .standard)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in [
            "margin_db", "connector_db", "splice_db", "fibre_db_per_km_1490", "fibre_db_per_km_1310",
            "min_olt_tx_dbm", "min_onu_tx_dbm", "splitter_db",
        ] {
            #expect(text.contains("\(key) ="), "config/ftth-acceptd.toml documents [diagnosis] \(key)")
        }
    }
}
