import Crypto
import FTTHCore
import Foundation

/// How secrets are made and fingerprinted: 32 random bytes as `ftth_` + base64url; SHA-256 hex.
/// The same in every store, so a token or a session outlives a move from one store to another.
package enum TokenSecret {
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64url = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "ftth_" + base64url
    }

    package static func sha256Hex(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The forms values take in a store's text columns, one definition for every store: JSON with
/// sorted keys (stable bytes, so a digest or a diff of two stores means something).
package enum StoredForm {
    package static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The readings and the verdict of a line result.
    package static func result(_ readings: OpticalReadings, _ verdict: LineVerdict) throws -> (
        readings: String, verdict: String
    ) {
        (try json(readings), try json(verdict))
    }

    /// A splitter's ODN design: nil for none.
    package static func design(_ design: ODNDesign) -> String? {
        guard !design.isEmpty else { return nil }
        return try? json(design)
    }

    /// The threshold profile's limits and the column each is kept in (hundredths; NULL = off).
    package static let thresholdColumns: [(key: ThresholdKey, column: String)] = [
        (.minONURx, "min_onu_rx_centi"), (.maxONURx, "max_onu_rx_centi"), (.minOLTRx, "min_olt_rx_centi"),
        (.maxDownstreamAttenuation, "max_downstream_centi"), (.maxUpstreamAttenuation, "max_upstream_centi"),
    ]

    /// The steps in which a run is active, for SQL: from ``TestRunStep/isActive``, never written out.
    package static let activeStepsSQL = TestRunStep.allCases.filter(\.isActive).map { "'\($0.rawValue)'" }.joined(
        separator: ", ")
}
