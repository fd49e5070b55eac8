import FTTHCore
import SNMPModel
import Synchronization

/// The SNMP view of one simulated OLT in its vendor's dialect: the tables the drivers read,
/// computed from the ODN model at the moment of each request, and the Huawei ONT configuration
/// rows a driver can create and destroy with SET.
public final class SimulatedMIB: Sendable {
    public let olt: SimulatedOLT
    let index = Mutex<(generation: Int, entries: [(oid: OID, source: Source)])>((-1, []))

    public init(olt: SimulatedOLT) { self.olt = olt }

    enum Source: Sendable {
        case constant(SNMPValue)
        case upTime
        case huaweiOLTOptics(PONAddress, column: UInt32)
        case huaweiONTConfig(PONAddress, id: Int, column: UInt32)
        case huaweiRunStatus(PONAddress, id: Int)
        case huaweiONTOptics(PONAddress, id: Int, column: UInt32)
        case zteModule(PONAddress, column: UInt32)
        case zteONUTable(PONAddress, id: Int, column: UInt32)
        case ztePhase(PONAddress, id: Int)
        case zteONUOptics(PONAddress, id: Int, column: UInt32)
        case zteOLTRx(PONAddress, id: Int)
    }

    static let huaweiBase: OID = "1.3.6.1.4.1.2011.6.128.1.1.2"
    static let system: OID = "1.3.6.1.2.1.1"
    static let ifName: OID = "1.3.6.1.2.1.31.1.1.1.1"
    static let invalid: Int64 = 2_147_483_647
    static let zteModuleOID: OID = "1.3.6.1.4.1.3902.1015.3.1.13.1"
    static let zteONUTableOID: OID = "1.3.6.1.4.1.3902.1012.3.28.1.1"
    static let ztePhaseOID: OID = "1.3.6.1.4.1.3902.1012.3.28.2.1.4"
    static let zteONUOpticsOID: OID = "1.3.6.1.4.1.3902.1012.3.50.12.1.1"
    static let zteOLTRxOID: OID = "1.3.6.1.4.1.3902.1015.1010.11.2.1.2"

    var isHuawei: Bool { [.huaweiMA5600T, .huaweiMA5800].contains(olt.config.dialect) }

    /// IF-MIB ifIndex of a ZTE PON port in the simulator (drivers look it up by ifName).
    static func zteIfIndex(_ pon: PONAddress) -> UInt32 {
        0x1000_0000 + UInt32(max(pon.slot - 1, 0)) << 16 + UInt32(max(pon.port - 1, 0)) << 8
    }

    static func zteIfName(_ pon: PONAddress, dialect: VendorDialect) -> String {
        dialect == .zteC600 ? "gpon_olt-\(pon)" : "gpon_\(pon)"
    }

    func entries() -> [(oid: OID, source: Source)] {
        let generation = olt.generation
        if let cached = index.withLock({ $0.generation == generation ? $0.entries : nil }) { return cached }
        let built = build()
        index.withLock { $0 = (generation, built) }
        return built
    }

    func build() -> [(oid: OID, source: Source)] {
        var e: [(oid: OID, source: Source)] = []
        let dialect = olt.config.dialect
        e.append((Self.system.appending(1, 0), .constant(.string("olt-sim \(dialect.rawValue) \(olt.config.name)"))))
        e.append(
            (
                Self.system.appending(2, 0),
                .constant(.objectIdentifier(isHuawei ? "1.3.6.1.4.1.2011.2.248" : "1.3.6.1.4.1.3902.1082"))
            ))
        e.append((Self.system.appending(3, 0), .upTime))
        e.append((Self.system.appending(5, 0), .constant(.string(olt.config.name))))
        let configured = olt.allConfigured()
        for pon in olt.config.pons {
            let onus = configured[pon.address] ?? []
            if isHuawei {
                guard let ifIndex = Self.huaweiIfIndex(pon.address) else { continue }
                for column: UInt32 in 1...5 {
                    e.append(
                        (
                            Self.huaweiBase.appending(23, 1, column, ifIndex),
                            .huaweiOLTOptics(pon.address, column: column)
                        ))
                }
                for onu in onus {
                    let id = UInt32(onu.id)
                    for column: UInt32 in [2, 3, 4, 7, 8, 9, 10] {
                        e.append(
                            (
                                Self.huaweiBase.appending(43, 1, column, ifIndex, id),
                                .huaweiONTConfig(pon.address, id: onu.id, column: column)
                            ))
                    }
                    e.append(
                        (Self.huaweiBase.appending(46, 1, 15, ifIndex, id), .huaweiRunStatus(pon.address, id: onu.id)))
                    for column: UInt32 in 1...6 {
                        e.append(
                            (
                                Self.huaweiBase.appending(51, 1, column, ifIndex, id),
                                .huaweiONTOptics(pon.address, id: onu.id, column: column)
                            ))
                    }
                }
            } else {
                let ifIndex = Self.zteIfIndex(pon.address)
                e.append(
                    (Self.ifName.appending(ifIndex), .constant(.string(Self.zteIfName(pon.address, dialect: dialect)))))
                for column: UInt32 in [1, 4] {
                    e.append((Self.zteModuleOID.appending(column, ifIndex), .zteModule(pon.address, column: column)))
                }
                guard let ponIndex = Self.ztePONIndex(pon.address) else { continue }
                for onu in onus {
                    let id = UInt32(onu.id)
                    for column: UInt32 in [2, 5] {
                        e.append(
                            (
                                Self.zteONUTableOID.appending(column, ponIndex, id),
                                .zteONUTable(pon.address, id: onu.id, column: column)
                            ))
                    }
                    e.append((Self.ztePhaseOID.appending(ponIndex, id), .ztePhase(pon.address, id: onu.id)))
                    for column: UInt32 in [10, 14] {
                        e.append(
                            (
                                Self.zteONUOpticsOID.appending(column, ponIndex, id, 1),
                                .zteONUOptics(pon.address, id: onu.id, column: column)
                            ))
                    }
                    let onuIndex = ponIndex - 0x1000_0000 + 0x3000_0000 + id
                    e.append((Self.zteOLTRxOID.appending(onuIndex), .zteOLTRx(pon.address, id: onu.id)))
                }
            }
        }
        e.sort { $0.oid < $1.oid }
        return e
    }

    static func huaweiIfIndex(_ pon: PONAddress) -> UInt32? {
        guard pon.frame == 0 else { return nil }
        return 4_194_304_000 + UInt32(pon.slot) * 8192 + UInt32(pon.port) * 256
    }

    static func ztePONIndex(_ pon: PONAddress) -> UInt32? {
        guard pon.frame == 1 else { return nil }
        return 0x1000_0000 + UInt32(pon.slot) << 16 + UInt32(pon.port) << 8
    }

    static func centi(_ dBm: Double) -> Int64 { Int64((dBm * 100).rounded()) }
    static func milli(_ dBm: Double) -> Int64 { Int64((dBm * 1000).rounded()) }

    /// The value of an entry now. `exact`: asked for by a GET (counted as a query of the ONU's
    /// optics), not read by a walk that passes by.
    func value(_ source: Source, exact: Bool) -> SNMPValue? {
        switch source {
        case .constant(let v):
            return v
        case .upTime:
            return .timeTicks(UInt32(clamping: Int64(olt.clock.now() * 100)))
        case .huaweiOLTOptics(let pon, let column):
            guard let p = olt.pon(pon) else { return nil }
            switch column {
            case 1: return .integer(45)
            case 2: return .integer(330)
            case 3: return .integer(20)
            case 4: return .integer(Self.centi(p.oltTxDBm))
            default: return .integer(Self.invalid)
            }
        case .huaweiONTConfig(let pon, let id, let column):
            guard let onu = olt.configuredONUs(on: pon).first(where: { $0.id == id }) else { return nil }
            switch column {
            case 2: return .integer(onu.serial == nil ? 2 : 1)
            case 3: return .octetString(onu.serial.map(\.octets) ?? Array(repeating: 0, count: 8))
            case 4: return .string(onu.password ?? "")
            case 7: return .string(onu.lineProfile)
            case 8: return .string(onu.serviceProfile)
            case 9: return .string(onu.name)
            default: return .integer(1)  // RowStatus active
            }
        case .huaweiRunStatus(let pon, let id):
            guard let o = olt.observe(pon: pon, id: id) else { return nil }
            return .integer(o.runState == .online ? 1 : 2)
        case .huaweiONTOptics(let pon, let id, let column):
            guard let o = opticsQuery(pon, id, counted: exact) else { return nil }
            guard o.runState == .online else { return .integer(Self.invalid) }
            switch column {
            case 1: return .integer(Int64(o.temperatureCelsius))
            case 2: return .integer(Int64(o.biasMilliamps))
            case 3: return .integer(Self.centi(o.onuTxDBm!))
            case 4: return .integer(Self.centi(o.onuRxDBm!))
            case 5: return .integer(Int64(o.voltageMillivolts))
            default: return .integer(Self.centi(o.oltRxDBm!) + 10000)
            }
        case .zteModule(let pon, let column):
            guard let p = olt.pon(pon) else { return nil }
            return .integer(column == 4 ? Self.milli(p.oltTxDBm) : Self.invalid)
        case .zteONUTable(let pon, let id, let column):
            guard let onu = olt.configuredONUs(on: pon).first(where: { $0.id == id }) else { return nil }
            return column == 2 ? .string(onu.name) : .octetString(onu.serial.map(\.octets) ?? [])
        case .ztePhase(let pon, let id):
            guard let o = olt.observe(pon: pon, id: id) else { return nil }
            return .integer(o.runState == .online ? 4 : 7)
        case .zteONUOptics(let pon, let id, let column):
            guard let o = opticsQuery(pon, id, counted: exact) else { return nil }
            guard o.runState == .online else { return .integer(65535) }
            let dBm = column == 10 ? o.onuRxDBm! : o.onuTxDBm!
            return .integer(Int64(((dBm + 30) / 0.002).rounded()))
        case .zteOLTRx(let pon, let id):
            guard let o = opticsQuery(pon, id, counted: exact) else { return nil }
            return .integer(o.runState == .online ? Self.milli(o.oltRxDBm!) : -80000)
        }
    }

    /// One ONU's optics as the OLT reads them for a request; nil when it refuses or the ONU went
    /// away: a GET then answers noSuchInstance (the only words SNMP has for it), a walk skips it.
    func opticsQuery(_ pon: PONAddress, _ id: Int, counted: Bool) -> ONUObservation? {
        guard case .success(let seen) = olt.queryOptics(pon: pon, id: id, counted: counted) else { return nil }
        return seen
    }

    /// The value at exactly `oid`.
    public func get(_ oid: OID) -> SNMPValue {
        let e = entries()
        var lo = 0
        var hi = e.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if e[mid].oid < oid { lo = mid + 1 } else { hi = mid }
        }
        if lo < e.count, e[lo].oid == oid, let v = value(e[lo].source, exact: true) { return v }
        // An OID under a known table column is a missing instance; anything else a missing object.
        return e.contains(where: {
            oid.components.count > 2 && $0.oid.components.starts(with: oid.components.dropLast())
        })
            ? .noSuchInstance : .noSuchObject
    }

    /// The first binding after `oid`, or nil at the end of the view.
    public func next(after oid: OID) -> VarBind? {
        let e = entries()
        var lo = 0
        var hi = e.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if e[mid].oid <= oid { lo = mid + 1 } else { hi = mid }
        }
        while lo < e.count {
            if let v = value(e[lo].source, exact: false) { return VarBind(e[lo].oid, v) }
            lo += 1  // the row went away between indexing and reading
        }
        return nil
    }

    /// RFC 3416 error-status values used by SET.
    enum Status {
        static let noAccess = 6
        static let wrongType = 7
        static let wrongValue = 10
        static let noCreation = 11
        static let inconsistentValue = 12
        static let commitFailed = 14
        static let notWritable = 17
    }

    /// Applies a SET: Huawei ONT rows can be created (RowStatus createAndGo with SN, profiles and
    /// description in the same request) and destroyed; everything else is not writable.
    public func set(_ bindings: [VarBind]) -> (status: Int, index: Int)? {
        guard isHuawei else { return (Status.notWritable, 1) }
        let table = Self.huaweiBase.appending(43, 1)
        var row: (ifIndex: UInt32, id: UInt32)?
        var columns: [UInt32: (SNMPValue, Int)] = [:]
        for (i, b) in bindings.enumerated() {
            guard let suffix = b.oid.suffix(after: table), suffix.count == 3 else { return (Status.notWritable, i + 1) }
            if let row, row != (suffix[1], suffix[2]) { return (Status.inconsistentValue, i + 1) }
            row = (suffix[1], suffix[2])
            columns[suffix[0]] = (b.value, i + 1)
        }
        guard let row, let status = columns[10] else { return (Status.notWritable, 1) }
        guard let pon = olt.config.pons.map(\.address).first(where: { Self.huaweiIfIndex($0) == row.ifIndex }) else {
            return (Status.noCreation, status.1)
        }
        guard case .integer(let action) = status.0 else { return (Status.wrongType, status.1) }
        switch action {
        case 6:  // destroy
            olt.remove(pon: pon, id: Int(row.id))
            return nil
        case 4:  // createAndGo
            guard row.id <= 127 else { return (Status.noCreation, status.1) }
            func text(_ c: UInt32) -> (String, Int)? {
                guard let (v, i) = columns[c] else { return nil }
                return (v.stringValue ?? "", i)
            }
            var serial: ONUSerial?
            if let (v, i) = columns[3] {
                guard case .octetString(let bytes) = v, let s = ONUSerial(octets: bytes) else {
                    return (Status.wrongValue, i)
                }
                serial = s
            }
            guard let (name, nameIndex) = text(9), !name.isEmpty, name.count <= 64,
                name.allSatisfy({ $0.isASCII && !$0.isNewline && $0 != "\"" })
            else { return (Status.wrongValue, columns[9]?.1 ?? status.1) }
            do {
                try olt.configure(
                    pon: pon, id: Int(row.id), serial: serial, password: text(4)?.0, name: name,
                    lineProfile: text(7)?.0 ?? "", serviceProfile: text(8)?.0 ?? "")
                _ = nameIndex
                return nil
            } catch {
                return (error.kind == .unknownProfile ? Status.wrongValue : Status.inconsistentValue, status.1)
            }
        default:
            return (Status.wrongValue, status.1)
        }
    }
}
