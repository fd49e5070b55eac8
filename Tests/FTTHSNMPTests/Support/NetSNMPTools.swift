import FTTHSNMP
import Foundation
import SNMPModel
import Testing

/// net-snmp's own command-line tools, the reference the client is compared with.
enum NetSNMPTools {
    /// `snmpbulkwalk -v2c -On -Oe -Ox -m ''` of `root`, parsed. Bindings snmpbulkwalk prints for
    /// endOfMibView (it shows them when they fall inside the walked subtree) are dropped: a walk
    /// ends there; so is the GET of `root` itself it falls back to when the subtree is empty.
    static func bulkWalk(host: String = "127.0.0.1", port: Int, community: String, root: OID) async throws
        -> [VarBind]
    {
        let output = try await TestEnvironment.run(
            "/usr/bin/snmpbulkwalk",
            [
                "-v2c", "-c", community, "-On", "-Oe", "-Ox", "-m", "", "-t", "5", "-r", "1",
                "\(host):\(port)", root.description,
            ])
        return try parse(output).filter { $0.value != .endOfMibView && $0.oid != root }
    }

    /// Parses net-snmp tool output printed with `-On -Oe -Ox` (numeric OIDs, numeric enums, octet
    /// strings in hex, which may wrap onto following lines).
    static func parse(_ output: String) throws -> [VarBind] {
        var entries: [(oid: String, value: String)] = []
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("."), let range = line.range(of: " = ") {
                entries.append((String(line[..<range.lowerBound]), String(line[range.upperBound...])))
            } else if !entries.isEmpty {
                entries[entries.count - 1].value += " " + line
            } else if line.hasPrefix("No Such") || line.contains("No more variables") {
                continue
            } else {
                throw TestFailure("unexpected net-snmp output line: \(line)")
            }
        }
        return try entries.map { entry in
            guard let oid = OID(entry.oid) else { throw TestFailure("bad OID in net-snmp output: \(entry.oid)") }
            return VarBind(oid, try value(entry.value.trimmingCharacters(in: .whitespaces)))
        }
    }

    private static func value(_ text: String) throws -> SNMPValue {
        if text == "\"\"" { return .octetString([]) }
        if text.hasPrefix("No more variables") { return .endOfMibView }
        if text.hasPrefix("No Such Object") { return .noSuchObject }
        if text.hasPrefix("No Such Instance") { return .noSuchInstance }
        if text == "NULL" { return .null }
        guard let colon = text.firstIndex(of: ":") else { throw TestFailure("unparsed net-snmp value: \(text)") }
        let type = text[..<colon]
        let rest = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard let value = T(rest) else { throw TestFailure("bad \(type) in net-snmp output: \(rest)") }
            return value
        }
        switch type {
        case "INTEGER":
            return .integer(try number(Int64.self))
        case "Hex-STRING":
            let bytes = rest.split(separator: " ").map { UInt8($0, radix: 16) }
            guard bytes.allSatisfy({ $0 != nil }) else { throw TestFailure("bad hex in net-snmp output: \(rest)") }
            return .octetString(bytes.map { $0! })
        case "STRING":
            return .octetString(Array(rest.dropFirst().dropLast().utf8))
        case "OID":
            guard let oid = OID(rest) else { throw TestFailure("bad OID value in net-snmp output: \(rest)") }
            return .objectIdentifier(oid)
        case "IpAddress":
            return .ipAddress(rest.split(separator: ".").compactMap { UInt8($0) })
        case "Counter32":
            return .counter32(try number(UInt32.self))
        case "Gauge32":
            return .gauge32(try number(UInt32.self))
        case "Counter64":
            return .counter64(try number(UInt64.self))
        case "Timeticks":
            guard let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")"),
                let ticks = UInt32(rest[rest.index(after: open)..<close])
            else { throw TestFailure("bad Timeticks in net-snmp output: \(rest)") }
            return .timeTicks(ticks)
        default:
            throw TestFailure("net-snmp value type \(type) not handled by the test parser: \(text)")
        }
    }
}

/// Same kind of value (INTEGER, Counter32, …), whatever the value: for objects that change
/// between two walks (counters, uptime).
func sameKind(_ a: SNMPValue, _ b: SNMPValue) -> Bool {
    switch (a, b) {
    case (.integer, .integer), (.octetString, .octetString), (.null, .null), (.objectIdentifier, .objectIdentifier),
        (.ipAddress, .ipAddress), (.counter32, .counter32), (.gauge32, .gauge32), (.timeTicks, .timeTicks),
        (.opaque, .opaque), (.counter64, .counter64), (.noSuchObject, .noSuchObject),
        (.noSuchInstance, .noSuchInstance), (.endOfMibView, .endOfMibView):
        true
    default:
        false
    }
}

/// Expects the client's walk to equal net-snmp's: same OIDs in the same order, same values
/// except where `volatile` says the object changes on its own (then the same kind of value).
func expectSameWalk(
    _ ours: [VarBind], _ reference: [VarBind], volatile: (OID) -> Bool = { _ in false },
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(ours.map(\.oid) == reference.map(\.oid), sourceLocation: sourceLocation)
    guard ours.count == reference.count else { return }
    let differences = zip(ours, reference).filter { mine, theirs in
        volatile(mine.oid) ? !sameKind(mine.value, theirs.value) : mine.value != theirs.value
    }
    #expect(
        differences.isEmpty, "values differ from snmpbulkwalk: \(differences.prefix(5).map { "\($0.0) vs \($0.1)" })",
        sourceLocation: sourceLocation)
}
