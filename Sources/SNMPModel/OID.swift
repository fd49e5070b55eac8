/// An SNMP object identifier (`1.3.6.1.2.1.1.1.0`), ordered lexicographically by component as
/// GETNEXT walks it.
public struct OID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var components: [UInt32]

    public init(_ components: [UInt32]) { self.components = components }

    /// Parses dotted decimal, with or without a leading dot; nil for anything else.
    public init?(_ text: String) {
        var t = Substring(text)
        if t.first == "." { t = t.dropFirst() }
        var parts: [UInt32] = []
        for piece in t.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.count <= 10, piece.allSatisfy({ $0.isASCII && $0.isNumber }),
                let v = UInt32(piece)
            else { return nil }
            parts.append(v)
        }
        guard parts.count >= 2 else { return nil }
        components = parts
    }

    /// For OIDs written in code; a malformed literal is a programmer error.
    public init(stringLiteral value: String) {
        guard let oid = OID(value) else { preconditionFailure("malformed OID literal '\(value)'") }
        self = oid
    }

    public static func < (a: OID, b: OID) -> Bool { a.components.lexicographicallyPrecedes(b.components) }

    /// Whether `self` is `other` or lies under it.
    public func isWithin(_ other: OID) -> Bool {
        components.count >= other.components.count && components.starts(with: other.components)
    }

    /// `self` followed by `suffix`.
    public func appending(_ suffix: UInt32...) -> OID { OID(components + suffix) }

    /// `self` followed by `suffix`.
    public func appending(_ suffix: [UInt32]) -> OID { OID(components + suffix) }

    /// The components after `prefix` (the row index of a table column), or nil when not under it.
    public func suffix(after prefix: OID) -> [UInt32]? {
        isWithin(prefix) ? Array(components.dropFirst(prefix.components.count)) : nil
    }

    public var description: String { components.map(String.init).joined(separator: ".") }
}
