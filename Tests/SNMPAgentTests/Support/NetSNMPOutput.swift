import SNMPModel

/// Reads net-snmp's printed bindings (with `-On -Oe -Ox`) back into ``VarBind``s, so tests
/// compare what the tool received with what the view holds, value for value.
enum NetSNMPOutput {
    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "cannot read net-snmp output line: \(line)" }
    }

    /// The bindings printed, without the "End of MIB" line of a v1 walk.
    static func bindings(_ result: ToolResult) throws -> [VarBind] {
        try result.lines.filter { $0 != "End of MIB" }.map(binding)
    }

    static func binding(_ line: String) throws -> VarBind {
        guard let separator = line.range(of: " = ") ?? line.range(of: " =", options: .backwards),
            let oid = OID(String(line[..<separator.lowerBound]))
        else { throw ParseError(line: line) }
        let text = String(line[separator.upperBound...])
        guard let value = value(text) else { throw ParseError(line: line) }
        return VarBind(oid, value)
    }

    private static func value(_ text: String) -> SNMPValue? {
        func after(_ prefix: String) -> String? {
            text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil
        }
        func hexBytes(_ hex: String) -> [UInt8]? {
            let parts = hex.split(whereSeparator: \.isWhitespace)
            let bytes = parts.compactMap { UInt8($0, radix: 16) }
            return bytes.count == parts.count ? bytes : nil
        }
        switch text {
        case "\"\"", "": return .octetString([])
        case "NULL": return .null
        case "No Such Object available on this agent at this OID": return .noSuchObject
        case "No Such Instance currently exists at this OID": return .noSuchInstance
        case "No more variables left in this MIB View (It is past the end of the MIB tree)": return .endOfMibView
        default: break
        }
        if let rest = after("INTEGER: ") { return Int64(rest).map { .integer($0) } }
        if let rest = after("Hex-STRING: ") { return hexBytes(rest).map { .octetString($0) } }
        if let rest = after("OPAQUE: ") { return hexBytes(rest).map { .opaque($0) } }
        if let rest = after("IpAddress: ") {
            let parts = rest.split(separator: ".").compactMap { UInt8($0) }
            return parts.count == 4 ? .ipAddress(parts) : nil
        }
        if let rest = after("OID: ") { return OID(rest).map { .objectIdentifier($0) } }
        if let rest = after("Counter32: ") { return UInt32(rest).map { .counter32($0) } }
        if let rest = after("Gauge32: ") { return UInt32(rest).map { .gauge32($0) } }
        if let rest = after("Counter64: ") { return UInt64(rest).map { .counter64($0) } }
        if let rest = after("Timeticks: (") {
            return rest.split(separator: ")").first.flatMap { UInt32($0) }.map { .timeTicks($0) }
        }
        return nil
    }
}
