import FTTHCore
import Foundation
import SNMPModel

/// ZTE C300/C320/C600 over SNMP.
///
/// Index spaces (the ZTE MIBs use several):
/// - PON index of the zxGpon tables = 0x10000000 + slot·2¹⁶ + port·2⁸ (seen in a C320 recording:
///   gpon 1/1/1 → 268501248).
/// - The optical module table `zxAnOpticalModuleMonTable` 1.3.6.1.4.1.3902.1015.3.1.13.1 is
///   indexed by the IF-MIB ifIndex of the PON port: found by walking ifName (`gpon_1/2/1`,
///   C600 `gpon_olt-1/2/1`), never computed. `.4` tx, `.1` rx, 0.001 dBm; 2147483647 = none.
/// - ONU rx/tx `…1012.3.50.12.1.1.{10,14}`.ponIndex.onu.1 as raw × 0.002 − 30 dBm, 65535 = none.
/// - OLT rx of an ONU `…1015.1010.11.2.1.2`.onuIndex, 0.001 dBm, −80000 = no signal, with
///   onuIndex = 0x30000000 + slot·2¹⁶ + port·2⁸ + onu. This encoding varies between
///   firmware releases: verify it on the operator's OLTs before trusting OLT rx over SNMP.
/// - ONU phase state `…1012.3.28.2.1.4`.ponIndex.onu: 4 working (online), others offline.
/// - ONU table `…1012.3.28.1.1`: `.2` name, `.5` serial (8 octets).
public actor ZTESNMPDriver: OLTDriver {
    static let opticalModule: OID = "1.3.6.1.4.1.3902.1015.3.1.13.1"
    static let onuOptics: OID = "1.3.6.1.4.1.3902.1012.3.50.12.1.1"
    static let oltRxOfONU: OID = "1.3.6.1.4.1.3902.1015.1010.11.2.1.2"
    static let onuPhase: OID = "1.3.6.1.4.1.3902.1012.3.28.2.1.4"
    static let onuTable: OID = "1.3.6.1.4.1.3902.1012.3.28.1.1"
    static let ifName: OID = "1.3.6.1.2.1.31.1.1.1.1"
    static let noSignal: Set<Int64> = [SNMPPowerDecoding.invalid32, -80000]

    let snmp: any SNMPRequester
    let olt: ManagementAddress
    let clock: @Sendable () -> Date
    /// PON port → IF-MIB ifIndex, learnt from ifName once per driver.
    var ifIndexByPON: [PONAddress: UInt32]?

    public init(snmp: any SNMPRequester, olt: ManagementAddress, clock: @escaping @Sendable () -> Date = Date.init) {
        self.snmp = snmp
        self.olt = olt
        self.clock = clock
    }

    public nonisolated var description: String { "\(olt) (zte-snmp \(snmp.targetDescription))" }

    /// The zxGpon PON index; ZTE numbers shelves from 1 and the index has room for shelf 1 only.
    public static func ponIndex(_ pon: PONAddress) -> UInt32? {
        guard pon.frame == 1, pon.slot < 256, pon.port < 256 else { return nil }
        return 0x1000_0000 + UInt32(pon.slot) << 16 + UInt32(pon.port) << 8
    }

    /// The ONU index of the OLT-rx table (see the type's notes).
    public static func onuIndex(_ pon: PONAddress, onu: Int) -> UInt32? {
        guard let p = ponIndex(pon), (0...255).contains(onu) else { return nil }
        return p - 0x1000_0000 + 0x3000_0000 + UInt32(onu)
    }

    /// Reads `gpon_1/2/1`, `gpon-olt_1/2/1` and `gpon_olt-1/2/1` as a PON address.
    public static func pon(ifName: String) -> PONAddress? {
        for prefix in ["gpon_olt-", "gpon-olt_", "gpon_"] where ifName.hasPrefix(prefix) {
            return PONAddress(String(ifName.dropFirst(prefix.count)))
        }
        return nil
    }

    func index(_ pon: PONAddress) throws -> UInt32 {
        guard let i = Self.ponIndex(pon) else {
            throw OLTDriverError(
                .invalidInput, olt: description, message: "PON port \(pon) has no ZTE SNMP index (shelf must be 1)")
        }
        return i
    }

    func interfaceIndex(_ pon: PONAddress) async throws -> UInt32? {
        if ifIndexByPON == nil {
            var map: [PONAddress: UInt32] = [:]
            for b in try await snmp.walk(Self.ifName, maxRepetitions: 32) {
                if let name = b.value.stringValue, let p = Self.pon(ifName: name), let i = b.oid.components.last {
                    map[p] = i
                }
            }
            ifIndexByPON = map
        }
        return ifIndexByPON?[pon]
    }

    /// Reads the phase states first and GETs optics only of ONUs that are working: an offline
    /// ONU cannot answer and each question loads the OLT. An agent that will not give one ONU's
    /// optics (an error-status, or no instance for any of them) makes that ONU's "no reading"
    /// with the agent's words; the others are still read. No answer at all fails the read.
    public func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
        let ponIndex = try index(pon)
        do {
            var oltTx = PowerReading.missing(.absent)
            if let ifIndex = try await interfaceIndex(pon) {
                let v = try await snmp.get([Self.opticalModule.appending(4, ifIndex)]).first?.value
                oltTx = SNMPPowerDecoding.decode(v, divisor: 1000)
            }
            let ids: [Int]
            if let onuIDs {
                ids = onuIDs
            } else {
                ids = try await listONUs(pon: pon).map(\.onuID)
            }
            for id in ids where Self.onuIndex(pon, onu: id) == nil {
                throw OLTDriverError(.invalidInput, olt: description, message: "ONU id \(id) is outside 0-255")
            }
            let phases = try await SNMPOpticsRead.values(
                snmp, of: ids.map { Self.onuPhase.appending(ponIndex, UInt32($0)) })
            var onus: [ONUOptics] = []
            // One GET per working ONU: only the ONUs under test are read.
            for (id, phase) in zip(ids, phases) {
                guard Self.runState(phase) == .online, let onuIndex = Self.onuIndex(pon, onu: id) else {
                    onus.append(SNMPOpticsRead.notOnline(id: id, state: Self.runState(phase)))
                    continue
                }
                let onu = UInt32(id)
                let oids = [
                    Self.onuOptics.appending(10, ponIndex, onu, 1), Self.onuOptics.appending(14, ponIndex, onu, 1),
                    Self.oltRxOfONU.appending(onuIndex),
                ]
                switch try await SNMPOpticsRead.optics(snmp, oids) {
                case .values(let values): onus.append(Self.decodeONU(id: id, values: values + [phase]))
                case .refused(let words): onus.append(SNMPOpticsRead.refused(id: id, words: words))
                }
            }
            return PONOptics(olt: olt, pon: pon, oltTx: oltTx, onus: onus, readAt: clock(), source: description)
        } catch let e as OLTDriverError {
            throw e
        } catch {
            throw OLTSNMPErrors.map(error, olt: description)
        }
    }

    /// Decodes `[onuRx, onuTx, oltRx, phase]` of one ONU.
    static func decodeONU(id: Int, values: [SNMPValue]) -> ONUOptics {
        func v(_ i: Int) -> SNMPValue? { i < values.count ? values[i] : nil }
        let state = runState(v(3))
        var onuRx = SNMPPowerDecoding.decodeZTEONU(v(0))
        var onuTx = SNMPPowerDecoding.decodeZTEONU(v(1))
        var oltRx = SNMPPowerDecoding.decode(v(2), divisor: 1000, sentinels: noSignal)
        if state != .online {
            onuRx = SNMPPowerDecoding.offline(onuRx, rawValue: v(0))
            onuTx = SNMPPowerDecoding.offline(onuTx, rawValue: v(1))
            oltRx = SNMPPowerDecoding.offline(oltRx, rawValue: v(2))
        }
        return ONUOptics(onuID: id, runState: state, onuRx: onuRx, onuTx: onuTx, oltRx: oltRx)
    }

    static func runState(_ value: SNMPValue?) -> ONURunState {
        switch value?.intValue {
        case 4: .online
        case .some(1...7): .offline
        default: .unknown
        }
    }

    public func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
        let ponIndex = try index(pon)
        do {
            let value = try await snmp.get([Self.onuPhase.appending(ponIndex, UInt32(onuID))]).first?.value
            if value == .noSuchInstance || value == .noSuchObject {
                throw OLTDriverError(.notFound, olt: description, message: "no ONU \(onuID) on PON port \(pon)")
            }
            return Self.runState(value)
        } catch let e as OLTDriverError {
            throw e
        } catch {
            throw OLTSNMPErrors.map(error, olt: description)
        }
    }

    public func listONUs(pon: PONAddress) async throws -> [ONUEntry] {
        let ponIndex = try index(pon)
        do {
            return try await ConfiguredONUTable.read(
                snmp, serials: Self.onuTable.appending(5, ponIndex), names: Self.onuTable.appending(2, ponIndex))
        } catch {
            throw OLTSNMPErrors.map(error, olt: description)
        }
    }

    public func provision(_ spec: TestONUSpec) async throws -> Int {
        throw OLTDriverError(
            .unsupported, olt: description,
            message: "ZTE test ONUs are provisioned over the CLI (driver zte-cli); the SNMP driver only reads")
    }

    public func remove(pon: PONAddress, onuID: Int) async throws {
        throw OLTDriverError(
            .unsupported, olt: description,
            message: "ZTE test ONUs are removed over the CLI (driver zte-cli); the SNMP driver only reads")
    }
}
