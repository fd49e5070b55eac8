import SNMPModel

/// Something that can answer SNMP operations in process: a simulated OLT's MIB or a recording.
public protocol LocalMIB: Sendable {
    func get(_ oid: OID) -> SNMPValue
    func next(after oid: OID) -> VarBind?
    func set(_ bindings: [VarBind]) -> (status: Int, index: Int)?
}

extension SimulatedMIB: LocalMIB {}

/// Bindings held in memory, sorted: a recording replayed, or a small fixed view for tests.
public final class RecordedMIB: LocalMIB {
    let bindings: [VarBind]

    public init(_ bindings: [VarBind]) { self.bindings = bindings.sorted { $0.oid < $1.oid } }

    /// The bindings, sorted: to build a larger view from a recording in tests.
    public var bindingsForTests: [VarBind] { bindings }

    /// Parses snmprec (`OID|TYPE|VALUE`, the format snmpsim replays): types 2 INTEGER, 4 OCTET
    /// STRING (`4x` hex), 5 NULL, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks,
    /// 68 Opaque, 70 Counter64. Lines starting with `#` are comments.
    public convenience init(snmprec text: String) {
        var out: [VarBind] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let oid = OID(parts[0]) else { continue }
            let raw = parts[2]
            let value: SNMPValue?
            switch parts[1] {
            case "2": value = Int64(raw).map(SNMPValue.integer)
            case "4", "4e": value = .string(raw)
            case "4x": value = .octetString(Self.hex(raw))
            case "5": value = .null
            case "6": value = OID(raw).map(SNMPValue.objectIdentifier)
            case "64": value = .ipAddress(raw.split(separator: ".").compactMap { UInt8($0) })
            case "65": value = UInt32(raw).map(SNMPValue.counter32)
            case "66": value = UInt32(raw).map(SNMPValue.gauge32)
            case "67": value = UInt32(raw).map(SNMPValue.timeTicks)
            case "68": value = .opaque(Self.hex(raw))
            case "70": value = UInt64(raw).map(SNMPValue.counter64)
            default: value = nil
            }
            if let value { out.append(VarBind(oid, value)) }
        }
        self.init(out)
    }

    static func hex(_ s: String) -> [UInt8] {
        let chars = Array(s)
        return stride(from: 0, to: chars.count - 1, by: 2).compactMap { UInt8(String(chars[$0...$0 + 1]), radix: 16) }
    }

    func position(after oid: OID, inclusive: Bool) -> Int {
        var lo = 0
        var hi = bindings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if bindings[mid].oid < oid || (!inclusive && bindings[mid].oid == oid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func get(_ oid: OID) -> SNMPValue {
        let i = position(after: oid, inclusive: true)
        return i < bindings.count && bindings[i].oid == oid ? bindings[i].value : .noSuchObject
    }

    public func next(after oid: OID) -> VarBind? {
        let i = position(after: oid, inclusive: false)
        return i < bindings.count ? bindings[i] : nil
    }

    public func set(_ bindings: [VarBind]) -> (status: Int, index: Int)? { (17, 1) }
}

/// An ``SNMPRequester`` that answers from a ``LocalMIB`` in process, with no network: for
/// driver tests and for benchmarks that measure the drivers alone.
public struct LocalSNMPRequester: SNMPRequester {
    let mib: any LocalMIB
    public let targetDescription: String

    public init(_ mib: any LocalMIB, description: String = "in-process") {
        self.mib = mib
        self.targetDescription = description
    }

    public func get(_ oids: [OID]) async throws -> [VarBind] {
        oids.map { VarBind($0, mib.get($0)) }
    }

    public func getNext(_ oids: [OID]) async throws -> [VarBind] {
        oids.map { mib.next(after: $0) ?? VarBind($0, .endOfMibView) }
    }

    public func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws -> [VarBind] {
        guard maxRepetitions >= 1 else {
            throw SNMPError(.invalidRequest, target: targetDescription, message: "max-repetitions must be at least 1")
        }
        var out: [VarBind] = oids.prefix(nonRepeaters).map { mib.next(after: $0) ?? VarBind($0, .endOfMibView) }
        var cursors = Array(oids.dropFirst(nonRepeaters))
        for _ in 0..<maxRepetitions where !cursors.isEmpty {
            for (i, c) in cursors.enumerated() {
                let b = mib.next(after: c) ?? VarBind(c, .endOfMibView)
                out.append(b)
                cursors[i] = b.oid
            }
        }
        return out
    }

    public func walk(_ root: OID, maxRepetitions: Int) async throws -> [VarBind] {
        var out: [VarBind] = []
        var cursor = root
        while let b = mib.next(after: cursor), b.oid.isWithin(root) {
            out.append(b)
            cursor = b.oid
        }
        return out
    }

    public func set(_ bindings: [VarBind]) async throws -> [VarBind] {
        if let (status, index) = mib.set(bindings) {
            throw SNMPError(
                .agentError, target: targetDescription, oid: bindings[index - 1].oid, errorStatus: status,
                errorIndex: index,
                message: "the agent refused the SET: \(SNMPError.statusName(status)) at binding \(index)")
        }
        return bindings
    }
}
