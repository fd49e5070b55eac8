/// A key of any name: for objects whose keys are data (a profile's limits) and for finding keys a
/// request type does not know.
struct WireCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws for the first key of this object that is not in `known`, at that key's path, with
    /// `hint` (what the object does have) as the message. A request with a misspelt key must not
    /// be taken for one that leaves the value as it is.
    func rejectUnknownKeys(known: Set<String>, hint: String) throws {
        let container = try container(keyedBy: WireCodingKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "unknown key; \(hint)"))
        }
    }
}
