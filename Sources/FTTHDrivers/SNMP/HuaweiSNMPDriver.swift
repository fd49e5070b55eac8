import FTTHCore
import Foundation
import SNMPModel

/// Huawei MA5600T/MA5800 over SNMP (HUAWEI-XPON-MIB).
///
/// - PON port ifIndex = 4194304000 + slot·8192 + port·256 (frame 0).
/// - OLT tx: `hwGponOltOpticsDdmInfoTxPower` …2.23.1.4.ifIndex, 0.01 dBm.
/// - ONT optics `hwGponDeviceOntOpticalDdmInfoTable` …2.51.1.{col}.ifIndex.ontId: `.3` ONU tx and
///   `.4` ONU rx in 0.01 dBm, `.6` OLT rx as (raw − 10000)/100 dBm, `.1` °C, `.2` bias mA,
///   `.5` voltage mV. 2147483647 = no value.
/// - Run state `hwGponDeviceOntControlRunStatus` …2.46.1.15: 1 online, 2 offline, −1 invalid.
/// - ONT config `hwGponDeviceOntConfigInfoTable` …2.43.1: `.3` SN, `.4` password, `.7` line
///   profile, `.8` service profile, `.9` description, `.10` RowStatus.
public struct HuaweiSNMPDriver: OLTDriver {
    static let base: OID = "1.3.6.1.4.1.2011.6.128.1.1.2"
    static let oltOptics = base.appending(23, 1)
    static let ontOptics = base.appending(51, 1)
    static let ontControl = base.appending(46, 1)
    static let ontConfig = base.appending(43, 1)

    let snmp: any SNMPRequester
    let olt: ManagementAddress
    let clock: @Sendable () -> Date

    /// `snmp` talks to the OLT at `olt`; `clock` stamps readings (inject a fixed one in tests).
    public init(snmp: any SNMPRequester, olt: ManagementAddress, clock: @escaping @Sendable () -> Date = Date.init) {
        self.snmp = snmp
        self.olt = olt
        self.clock = clock
    }

    public var description: String { "\(olt) (huawei-snmp \(snmp.targetDescription))" }

    /// The GPON port's ifIndex; only frame 0 has a documented encoding.
    public static func ifIndex(_ pon: PONAddress) -> UInt32? {
        guard pon.frame == 0, pon.slot < 64, pon.port < 32 else { return nil }
        return 4_194_304_000 + UInt32(pon.slot) * 8192 + UInt32(pon.port) * 256
    }

    /// The PON address of an ifIndex, the inverse of ``ifIndex(_:)``.
    public static func pon(ifIndex: UInt32) -> PONAddress? {
        guard ifIndex >= 4_194_304_000 else { return nil }
        let rest = ifIndex - 4_194_304_000
        guard rest % 256 == 0 else { return nil }
        return PONAddress(frame: 0, slot: Int(rest / 8192), port: Int(rest % 8192 / 256))
    }

    func index(_ pon: PONAddress) throws -> UInt32 {
        guard let i = Self.ifIndex(pon) else {
            throw OLTDriverError(
                .invalidInput, olt: description,
                message: "PON port \(pon) has no Huawei SNMP ifIndex (frame must be 0, slot < 64, port < 32)")
        }
        return i
    }

    func mapped(_ error: any Error) -> OLTDriverError {
        OLTSNMPErrors.map(error, olt: description)
    }

    /// Reads the run states first and GETs optics only of ONTs that are online: an offline ONT
    /// cannot answer and each question loads the OLT. An agent that will not give one ONT's
    /// optics (an error-status, or no instance for any of them) makes that ONT's "no reading"
    /// with the agent's words; the others are still read. No answer at all fails the read.
    public func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
        let ifIndex = try index(pon)
        do {
            let txBinding = try await snmp.get([Self.oltOptics.appending(4, ifIndex)])
            let oltTx = SNMPPowerDecoding.decode(txBinding.first?.value, divisor: 100)
            let ids: [Int]
            if let onuIDs {
                ids = onuIDs
            } else {
                ids = try await listONUs(pon: pon).map(\.onuID)
            }
            let states = try await SNMPOpticsRead.values(
                snmp, of: ids.map { Self.ontControl.appending(15, ifIndex, UInt32($0)) })
            var onus: [ONUOptics] = []
            // One GET per online ONT with every column it needs: only the ONTs under test are read.
            for (id, state) in zip(ids, states) {
                guard Self.runState(state) == .online else {
                    onus.append(SNMPOpticsRead.notOnline(id: id, state: Self.runState(state)))
                    continue
                }
                let oids = [1, 2, 3, 4, 5, 6].map { Self.ontOptics.appending($0, ifIndex, UInt32(id)) }
                switch try await SNMPOpticsRead.optics(snmp, oids) {
                case .values(let values): onus.append(Self.decodeONT(id: id, values: values + [state]))
                case .refused(let words): onus.append(SNMPOpticsRead.refused(id: id, words: words))
                }
            }
            return PONOptics(olt: olt, pon: pon, oltTx: oltTx, onus: onus, readAt: clock(), source: description)
        } catch let e as OLTDriverError {
            throw e
        } catch {
            throw mapped(error)
        }
    }

    /// Decodes `[temp, bias, tx, rx, voltage, oltRx, runStatus]` of one ONT.
    static func decodeONT(id: Int, values: [SNMPValue]) -> ONUOptics {
        func v(_ i: Int) -> SNMPValue? { i < values.count ? values[i] : nil }
        let state = runState(v(6))
        var onuTx = SNMPPowerDecoding.decode(v(2), divisor: 100)
        var onuRx = SNMPPowerDecoding.decode(v(3), divisor: 100)
        var oltRx = SNMPPowerDecoding.decode(v(5), divisor: 100, offset: 10000)
        if state != .online {
            onuTx = SNMPPowerDecoding.offline(onuTx, rawValue: v(2))
            onuRx = SNMPPowerDecoding.offline(onuRx, rawValue: v(3))
            oltRx = SNMPPowerDecoding.offline(oltRx, rawValue: v(5))
        }
        func plain(_ value: SNMPValue?, scale: Double) -> Double? {
            guard state == .online, let raw = value?.intValue, raw != SNMPPowerDecoding.invalid32 else { return nil }
            return Double(raw) / scale
        }
        return ONUOptics(
            onuID: id, runState: state, onuRx: onuRx, onuTx: onuTx, oltRx: oltRx,
            temperatureCelsius: plain(v(0), scale: 1), voltageVolts: plain(v(4), scale: 1000),
            biasMilliamps: plain(v(1), scale: 1))
    }

    static func runState(_ value: SNMPValue?) -> ONURunState {
        switch value?.intValue {
        case 1: .online
        case 2: .offline
        default: .unknown
        }
    }

    public func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
        let ifIndex = try index(pon)
        do {
            let value = try await snmp.get([Self.ontControl.appending(15, ifIndex, UInt32(onuID))]).first?.value
            if value == .noSuchInstance || value == .noSuchObject {
                throw OLTDriverError(.notFound, olt: description, message: "no ONT \(onuID) on PON port \(pon)")
            }
            return Self.runState(value)
        } catch let e as OLTDriverError {
            throw e
        } catch {
            throw mapped(error)
        }
    }

    public func listONUs(pon: PONAddress) async throws -> [ONUEntry] {
        let ifIndex = try index(pon)
        do {
            return try await ConfiguredONUTable.read(
                snmp, serials: Self.ontConfig.appending(3, ifIndex), names: Self.ontConfig.appending(9, ifIndex))
        } catch {
            throw mapped(error)
        }
    }

    public func provision(_ spec: TestONUSpec) async throws -> Int {
        let ifIndex = try index(spec.pon)
        try CommandValueCheck.name(spec.name, olt: description)
        try CommandValueCheck.profile(spec.lineProfile, olt: description)
        try CommandValueCheck.profile(spec.serviceProfile, olt: description)
        guard let serial = spec.serial else {
            throw OLTDriverError(
                .unsupported, olt: description,
                message: "SNMP provisioning needs the test ONT's serial (SN authentication)")
        }
        // Another manager (another system, or another ftth-acceptd) may create the free row between
        // the look and the SET: the agent answers inconsistentValue on the row status, and the
        // driver looks again. Within this process the id picked is reserved until the SET ended.
        for collisions in 0... {
            switch try await lookAndCreate(spec, ifIndex: ifIndex, serial: serial) {
            case .provisioned(let id): return id
            case .rowTaken(let error):
                if collisions >= Self.maximumRowCollisions { throw mapped(error) }
            }
        }
        preconditionFailure("unreachable")
    }

    enum CreateOutcome: Sendable {
        case provisioned(Int)
        /// The row was created by someone else between the look and the SET.
        case rowTaken(SNMPError)
    }

    func lookAndCreate(_ spec: TestONUSpec, ifIndex: UInt32, serial: ONUSerial) async throws -> CreateOutcome {
        let existing = try await listONUs(pon: spec.pon)
        if let same = existing.first(where: { $0.serial == serial }) {
            // Ours from an earlier attempt (the name is set in the creating SET), or someone else's.
            guard same.name == spec.name else {
                throw OLTDriverError.alreadyAnotherONU(
                    "serial \(serial)", onuID: same.onuID, name: same.name, pon: spec.pon, wanted: spec.name,
                    olt: description)
            }
            return .provisioned(same.onuID)
        }
        return try await ONUIDReservations.shared.withReservedID(
            olt: olt, pon: spec.pon, used: Set(existing.map(\.onuID)), in: 0...127
        ) { reserved in
            guard let free = reserved else {
                throw OLTDriverError(
                    .rejected, olt: description, message: "PON port \(spec.pon) has no free ONT id (0-127 in use)")
            }
            return try await create(spec, ifIndex: ifIndex, serial: serial, id: free)
        }
    }

    func create(_ spec: TestONUSpec, ifIndex: UInt32, serial: ONUSerial, id free: Int) async throws -> CreateOutcome {
        let row = UInt32(free)
        let bindings = [
            VarBind(Self.ontConfig.appending(2, ifIndex, row), .integer(1)),  // sn auth
            VarBind(Self.ontConfig.appending(3, ifIndex, row), .octetString(serial.octets)),
            VarBind(Self.ontConfig.appending(7, ifIndex, row), .string(spec.lineProfile)),
            VarBind(Self.ontConfig.appending(8, ifIndex, row), .string(spec.serviceProfile)),
            VarBind(Self.ontConfig.appending(9, ifIndex, row), .string(spec.name)),
            VarBind(Self.ontConfig.appending(10, ifIndex, row), .integer(4)),  // createAndGo
        ]
        do {
            _ = try await snmp.set(bindings)
            return .provisioned(free)
        } catch let error as SNMPError
            where error.code == .agentError && error.errorStatus == Self.inconsistentValue
            && error.errorIndex == bindings.count
        {
            return .rowTaken(error)
        } catch {
            throw mapped(error)
        }
    }

    /// RFC 3416 error-status inconsistentValue: here, createAndGo on a row that exists.
    static let inconsistentValue = 12
    static let maximumRowCollisions = 8

    public func remove(pon: PONAddress, onuID: Int) async throws {
        let ifIndex = try index(pon)
        let status = Self.ontConfig.appending(10, ifIndex, UInt32(onuID))
        do {
            let current = try await snmp.get([status]).first?.value
            if current == nil || current!.isException { return }  // already gone
            _ = try await snmp.set([VarBind(status, .integer(6))])  // destroy
        } catch {
            throw mapped(error)
        }
    }
}
