import Foundation

/// The one JSON configuration of the API, for the daemon that writes it and for every client that
/// reads it: ISO 8601 dates and sorted keys. Keys are spelled out by each type's `CodingKeys`
/// (snake_case on the wire), never converted by a strategy: a strategy would also rewrite the keys
/// of dictionaries such as a threshold profile's `binding`.
public enum WireJSON {
    /// A new encoder: ISO 8601 dates, keys sorted so that the same value is always the same bytes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// A new decoder: ISO 8601 dates. Unknown keys are ignored, so a client keeps working against a
    /// daemon that added fields.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
