import Foundation

/// Whether an ONU is registered and ranging on its PON port.
public enum ONURunState: String, Sendable, Hashable, Codable {
    case online
    case offline
    /// The OLT gave no usable answer (Huawei's invalid(-1), an unknown ZTE phase).
    case unknown
}

/// One ONU's optics as the OLT reports them, stamped with when and how they were read.
public struct ONUOptics: Sendable, Hashable, Codable {
    /// The ONU id on its PON port (Huawei ONT-ID, ZTE ONU number).
    public var onuID: Int
    public var runState: ONURunState
    public var onuRx: PowerReading
    public var onuTx: PowerReading
    /// The OLT's receive power of this ONU's upstream.
    public var oltRx: PowerReading
    public var temperatureCelsius: Double?
    public var voltageVolts: Double?
    public var biasMilliamps: Double?

    public init(
        onuID: Int, runState: ONURunState, onuRx: PowerReading, onuTx: PowerReading, oltRx: PowerReading,
        temperatureCelsius: Double? = nil, voltageVolts: Double? = nil, biasMilliamps: Double? = nil
    ) {
        self.onuID = onuID
        self.runState = runState
        self.onuRx = onuRx
        self.onuTx = onuTx
        self.oltRx = oltRx
        self.temperatureCelsius = temperatureCelsius
        self.voltageVolts = voltageVolts
        self.biasMilliamps = biasMilliamps
    }
}

/// The optics of one PON port: its transmit power and the ONUs that were read.
public struct PONOptics: Sendable, Hashable, Codable {
    public var olt: ManagementAddress
    public var pon: PONAddress
    public var oltTx: PowerReading
    public var onus: [ONUOptics]
    /// When the values were read, for the crew: a reading is live, never cached.
    public var readAt: Date
    /// How they were read (`huawei-snmp udp:10.0.0.1:161`).
    public var source: String

    public init(
        olt: ManagementAddress, pon: PONAddress, oltTx: PowerReading, onus: [ONUOptics], readAt: Date, source: String
    ) {
        self.olt = olt
        self.pon = pon
        self.oltTx = oltTx
        self.onus = onus
        self.readAt = readAt
        self.source = source
    }

    /// The four powers of one ONU, for the line-quality rules.
    public func readings(onuID: Int) -> OpticalReadings? {
        guard let onu = onus.first(where: { $0.onuID == onuID }) else { return nil }
        return OpticalReadings(
            oltTx: oltTx, oltRx: onu.oltRx, onuTx: onu.onuTx, onuRx: onu.onuRx,
            temperatureCelsius: onu.temperatureCelsius, voltageVolts: onu.voltageVolts,
            biasMilliamps: onu.biasMilliamps)
    }
}

/// An ONU configured on a PON port, as the OLT lists it.
public struct ONUEntry: Sendable, Hashable, Codable {
    public var onuID: Int
    public var serial: ONUSerial?
    /// The ONU's name or description on the OLT (where test ONUs carry their test name).
    public var name: String

    public init(onuID: Int, serial: ONUSerial?, name: String) {
        self.onuID = onuID
        self.serial = serial
        self.name = name
    }
}

/// What to provision for one splitter-port test.
public struct TestONUSpec: Sendable, Hashable {
    public var pon: PONAddress
    /// The test ONU name from the naming rule.
    public var name: String
    /// The test ONT's serial (SN authentication); nil with `password` for password/LOID auth.
    public var serial: ONUSerial?
    public var password: String?
    public var svlan: VLANID
    public var cvlan: VLANID
    public var lineProfile: String
    public var serviceProfile: String

    public init(
        pon: PONAddress, name: String, serial: ONUSerial?, password: String? = nil, svlan: VLANID, cvlan: VLANID,
        lineProfile: String, serviceProfile: String
    ) {
        self.pon = pon
        self.name = name
        self.serial = serial
        self.password = password
        self.svlan = svlan
        self.cvlan = cvlan
        self.lineProfile = lineProfile
        self.serviceProfile = serviceProfile
    }
}

/// A failure of an OLT driver, with a code a caller can match, the OLT, and the device's own
/// words where it gave any.
public struct OLTDriverError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No answer (timeout, connection refused): transient, worth a retry.
        case unreachable = "olt.unreachable"
        /// Wrong community, user or password: permanent until the config is fixed.
        case authenticationFailed = "olt.authentication_failed"
        /// The PON port or ONU does not exist on the OLT.
        case notFound = "olt.not_found"
        /// The OLT refused the operation (its text is in `deviceText`).
        case rejected = "olt.rejected"
        /// The driver cannot do this over this transport.
        case unsupported = "olt.unsupported"
        /// A value would be unsafe or invalid to send; nothing was sent.
        case invalidInput = "olt.invalid_input"
        /// The OLT answered with something the driver cannot read.
        case unexpectedResponse = "olt.unexpected_response"
    }

    public var code: Code
    /// The OLT, without secrets (`10.0.0.1 (huawei-snmp)`).
    public var olt: String
    public var message: String
    /// What the OLT itself said, verbatim, when it said anything.
    public var deviceText: String?

    public init(_ code: Code, olt: String, message: String, deviceText: String? = nil) {
        self.code = code
        self.olt = olt
        self.message = message
        self.deviceText = deviceText
    }

    /// Whether retrying later may succeed.
    public var isTransient: Bool { code == .unreachable }

    public var description: String {
        "OLT \(olt): \(message)" + (deviceText.map { " (OLT said: \($0))" } ?? "")
    }

    /// What stands for a secret an OLT repeated (an ONU password it refused, echoed in its error
    /// or in the command line a driver names).
    public static let redacted = "[redacted]"

    /// This error with every occurrence of `secret` in its message and the OLT's text replaced by
    /// ``redacted``, so that it can go into a run's outcome, the progress stream and the log.
    public func redacting(_ secret: String) -> OLTDriverError {
        guard !secret.isEmpty else { return self }
        var copy = self
        copy.message = message.replacing(secret, with: Self.redacted)
        copy.deviceText = deviceText?.replacing(secret, with: Self.redacted)
        return copy
    }
}

/// Drives one OLT: read optics and ONU state, provision and remove test ONUs. One
/// implementation per vendor dialect and transport; every one passes the same conformance suite.
public protocol OLTDriver: Sendable {
    /// The OLT and transport, for messages and `PONOptics.source`.
    var description: String { get }

    /// Reads the PON port's transmit power and the optics of `onuIDs` (every configured ONU
    /// when nil). Reads only what it is asked for: per-ONU optics load a real OLT's CPU, so
    /// optics are asked only of ONUs that are online. An OLT's refusal for one ONU is that ONU's
    /// "no reading" (``NoReading/Cause/refused``, the OLT's words in `raw`), never the failure of
    /// the whole read.
    func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics

    /// As ``readOptics(pon:onuIDs:)``, for a caller that has just seen the ONUs `knownOnline`
    /// online (the engine, right after its wait): a driver that would ask their run state first
    /// may skip it, so a port test's read costs no extra command. An ONU gone offline since is
    /// still no reading, by the OLT's answer.
    func readOptics(pon: PONAddress, onuIDs: [Int], knownOnline: Set<Int>) async throws -> PONOptics

    /// The run state of one ONU.
    func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState

    /// The ONUs configured on a PON port.
    func listONUs(pon: PONAddress) async throws -> [ONUEntry]

    /// Provisions a test ONU; returns its ONU id. Provisioning the same serial again returns
    /// the existing ONU instead of a second one.
    func provision(_ spec: TestONUSpec) async throws -> Int

    /// Removes a test ONU and its service-port; removing one that is already gone succeeds.
    func remove(pon: PONAddress, onuID: Int) async throws
}

extension OLTDriver {
    /// Drivers that learn the run state with the optics need no hint.
    public func readOptics(pon: PONAddress, onuIDs: [Int], knownOnline: Set<Int>) async throws -> PONOptics {
        try await readOptics(pon: pon, onuIDs: onuIDs)
    }
}
