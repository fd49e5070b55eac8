import FTTHCore
import TOMLKit

extension LossFigures {
    /// The keys of `[diagnosis]`, in the order the sample configuration documents them.
    static let configurationKeys = [
        "margin_db", "connector_db", "splice_db", "fibre_db_per_km_1490", "fibre_db_per_km_1310", "min_olt_tx_dbm",
        "min_onu_tx_dbm", "splitter_db",
    ]

    /// `[diagnosis]` in ftth-acceptd.toml: the figures a link's loss is predicted with and the
    /// margin beyond which a port counts as lossy. Every key is optional and starts from
    /// ``LossFigures/standard``. Throws ``ConfigurationError`` naming the key of the first value
    /// a real network cannot have (``LossFigures/problem``), so no figure makes every port look
    /// lossy, or none.
    init(diagnosis r: TOMLReader) throws {
        self = .standard
        try r.allow(Self.configurationKeys)
        // Wide ranges here catch what is not a number at all; `problem` then holds the plausible ones.
        marginDB = try r.double("margin_db", default: marginDB, range: -1000...1000)
        connectorDB = try r.double("connector_db", default: connectorDB, range: -1000...1000)
        spliceDB = try r.double("splice_db", default: spliceDB, range: -1000...1000)
        fibreDownstreamDBPerKm = try r.double(
            "fibre_db_per_km_1490", default: fibreDownstreamDBPerKm, range: -1000...1000)
        fibreUpstreamDBPerKm = try r.double("fibre_db_per_km_1310", default: fibreUpstreamDBPerKm, range: -1000...1000)
        // A healthy optic launches between about −10 and +10 dBm; a floor outside that would flag
        // every laser as weak, or none.
        minOLTTxDBm = try r.double("min_olt_tx_dbm", default: minOLTTxDBm, range: -10...10)
        minONUTxDBm = try r.double("min_onu_tx_dbm", default: minONUTxDBm, range: -10...10)
        if let table = try r.optionalTable("splitter_db") {
            for ratioText in table.table.keys.sorted() {
                guard let ratio = SplitRatio(ratioText) else {
                    throw r.error(
                        "splitter_db.\(ratioText)",
                        "'\(ratioText)' is not a splitter ratio: write the ratio as a quoted key, such as \"1:8\" = 10.5"
                    )
                }
                splitterDB[ratio.outputs] = try table.double(ratioText, default: 0, range: -1000...1000)
            }
        }
        if let problem {
            // Each problem starts with the key it is about.
            let key = problem.prefix { $0 != " " }
            throw r.error(String(key), String(problem.dropFirst(key.count + 1)))
        }
    }
}
