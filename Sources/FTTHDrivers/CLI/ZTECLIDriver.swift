import CLIModel
import FTTHCore
import Foundation

/// ZTE C300/C600 over the command line (Telnet or SSH): the commands and output of
/// docs/cli-dialects.md. C600 spells interfaces `gpon_olt-1/2/1` and `gpon_onu-1/2/1:5` where
/// C300 writes `gpon-olt_1/2/1` and `gpon-onu_1/2/1:5`.
///
/// Provisioning looks first (the ONU by serial or password, its interface configuration) and
/// applies only what is missing, so a retry after a dropped session completes the first
/// attempt; a failure after the ONU was added removes it again.
public struct ZTECLIDriver: OLTDriver {
    /// How the ZTE CLI behaves at the terminal: for the connector that opens its sessions.
    public static let terminalStyle = CLITerminalStyle.zte
    /// Run once per new session: no pager.
    public static let sessionSetup = ["terminal length 0"]
    static let refusals = CLIBatch.Refusals(prefixes: ["%"])
    static let onuIDRange = 1...128
    static let passwordLimit = 24

    let core: CLIDriverCore

    /// `cli` opens sessions to the OLT at `olt`; a command that shows no prompt within
    /// `commandTimeout` fails the session; an operation is tried `attempts` times in all when
    /// its session fails. `clock` stamps readings.
    public init(
        cli: any CLIConnector, olt: ManagementAddress, dialect: VendorDialect = .zteC300,
        commandTimeout: Duration = .seconds(30), attempts: Int = 2, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        precondition(dialect == .zteC300 || dialect == .zteC600, "ZTECLIDriver drives ZTE dialects")
        core = CLIDriverCore(
            cli: cli, olt: olt, dialect: dialect, commandTimeout: commandTimeout, attempts: attempts, clock: clock,
            driverName: "zte-cli", refusals: Self.refusals, exitCommand: "end")
    }

    public var description: String { core.description }
    var check: CLIArgument { core.check }
    var dialect: VendorDialect { core.dialect }
    var olt: ManagementAddress { core.olt }
    var clock: @Sendable () -> Date { core.clock }

    /// The PON port's interface name in this dialect's spelling.
    public func oltInterface(_ pon: PONAddress) -> String {
        let numbers = "\(pon.frame)/\(pon.slot)/\(pon.port)"
        return dialect == .zteC600 ? "gpon_olt-\(numbers)" : "gpon-olt_\(numbers)"
    }

    /// The ONU's interface name in this dialect's spelling.
    public func onuInterface(_ pon: PONAddress, _ id: Int) -> String {
        let numbers = "\(pon.frame)/\(pon.slot)/\(pon.port):\(id)"
        return dialect == .zteC600 ? "gpon_onu-\(numbers)" : "gpon-onu_\(numbers)"
    }

    func batch<T: Sendable>(_ body: (CLIBatch) async throws -> T) async throws -> T {
        try await core.batch(body)
    }

    func refused(_ what: String, _ refusal: String) -> OLTDriverError {
        let notFound = refusal.contains("does not exist") || refusal.contains("Invalid input")
        return OLTDriverError(notFound ? .notFound : .rejected, olt: description, message: what, deviceText: refusal)
    }

    func states(_ b: CLIBatch, _ pon: PONAddress) async throws -> [ZTECLIOutput.StateRow] {
        let reply = try await b.attempt("show gpon onu state \(oltInterface(pon))")
        if let refusal = reply.refusal {
            if refusal.contains("No related information") { return [] }
            throw refused("the OLT cannot list the ONUs of \(oltInterface(pon))", refusal)
        }
        return ZTECLIOutput.states(reply.text)
    }

    // MARK: Reading

    /// Reads the run states first and asks `show pon power attenuation` only of ONUs that are
    /// working: an offline ONU cannot answer and each question loads the OLT. A refusal for one
    /// ONU is that ONU's "no reading" with the OLT's words; the others are still read. The PON
    /// port's transmit power comes with the attenuation of the first ONU that gives it.
    public func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
        let pon = try check.pon(pon)
        if let onuIDs { for id in onuIDs { _ = try check.onuID(id, range: Self.onuIDRange) } }
        return try await batch { b in
            let known = Dictionary(try await states(b, pon).map { ($0.onuID, $0) }) { a, _ in a }
            let ids = onuIDs ?? known.keys.sorted()
            var oltTx = PowerReading.missing(.absent)
            var onus: [ONUOptics] = []
            for id in ids {
                guard let state = known[id] else {
                    throw OLTDriverError(
                        .notFound, olt: description, message: "ONU \(onuInterface(pon, id)) is not configured")
                }
                guard state.runState == .online else {
                    // An ONU that is not working never yields numbers, and is not asked for them.
                    let none = PowerReading.missing(.onuOffline, raw: state.phase)
                    onus.append(ONUOptics(onuID: id, runState: state.runState, onuRx: none, onuTx: none, oltRx: none))
                    continue
                }
                let reply = try await b.attempt("show pon power attenuation \(onuInterface(pon, id))")
                if let refusal = reply.refusal {
                    let none = PowerReading.missing(.refused, raw: refusal)
                    onus.append(ONUOptics(onuID: id, runState: .online, onuRx: none, onuTx: none, oltRx: none))
                    continue
                }
                let a = ZTECLIOutput.attenuation(reply.text)
                if oltTx.value == nil, a.oltTx.value != nil { oltTx = a.oltTx }
                onus.append(ONUOptics(onuID: id, runState: .online, onuRx: a.onuRx, onuTx: a.onuTx, oltRx: a.oltRx))
            }
            return PONOptics(olt: olt, pon: pon, oltTx: oltTx, onus: onus, readAt: clock(), source: description)
        }
    }

    public func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
        let pon = try check.pon(pon)
        let id = try check.onuID(onuID, range: Self.onuIDRange)
        return try await batch { b in
            guard let row = try await states(b, pon).first(where: { $0.onuID == id }) else {
                throw OLTDriverError(
                    .notFound, olt: description, message: "ONU \(onuInterface(pon, id)) is not configured")
            }
            return row.runState
        }
    }

    func baseInfo(_ b: CLIBatch, _ pon: PONAddress) async throws -> [ZTECLIOutput.BaseInfoRow] {
        let reply = try await b.attempt("show gpon onu baseinfo \(oltInterface(pon))")
        if let refusal = reply.refusal {
            if refusal.contains("No related information") { return [] }
            throw refused("the OLT cannot list the ONUs of \(oltInterface(pon))", refusal)
        }
        return ZTECLIOutput.baseInfo(reply.text)
    }

    public func listONUs(pon: PONAddress) async throws -> [ONUEntry] {
        let pon = try check.pon(pon)
        return try await batch { b in
            var entries: [ONUEntry] = []
            // The base information has no names: one detail view per ONU gives them.
            for row in try await baseInfo(b, pon) {
                let reply = try await b.attempt("show gpon onu detail-info \(onuInterface(pon, row.onuID))")
                let name = reply.refusal == nil ? ZTECLIOutput.details(reply.text)["Name"] ?? "" : ""
                entries.append(ONUEntry(onuID: row.onuID, serial: row.serial, name: name))
            }
            return entries
        }
    }

    // MARK: Provisioning

    public func provision(_ spec: TestONUSpec) async throws -> Int {
        let pon = try check.pon(spec.pon)
        let name = try check.name(spec.name, maximumLength: dialect.maxONUNameLength)
        let tcontProfile = try check.profile("line profile (T-CONT profile)", spec.lineProfile)
        let onuType = try check.profile("service profile (ONU type)", spec.serviceProfile)
        let auth: String
        let password: String?
        if let serial = spec.serial {
            auth = "sn \(serial.description)"
            password = nil
        } else if let pw = spec.password {
            password = try check.password(pw, maximumLength: Self.passwordLimit)
            auth = "pw \(pw)"
        } else {
            throw OLTDriverError(
                .invalidInput, olt: description,
                message: "test ONU \(name) has neither a serial nor a password; give one of them")
        }
        let wanted = [
            "name \(name)",
            "tcont 1 profile \(tcontProfile)",
            "gemport 1 tcont 1",
            "service-port 1 vport 1 user-vlan \(check.vlan(spec.cvlan)) vlan \(check.vlan(spec.cvlan)) svlan \(check.vlan(spec.svlan))",
        ]
        // Another session (a second port test, or another system) may take the free ONU id between
        // the look and the add: the OLT answers 34049 and the add is tried again with a new look.
        var collisions = 0
        while true {
            do {
                return try await provisionOnce(
                    spec, pon: pon, name: name, onuType: onuType, auth: auth, password: password, wanted: wanted)
            } catch let error as OLTDriverError
                where error.deviceText?.contains(Self.idInUse) == true && collisions < Self.maximumIDCollisions
            {
                collisions += 1
            }
        }
    }

    /// `%Code 34049`: the ONU id (or the serial) is in use.
    static let idInUse = "34049"
    static let maximumIDCollisions = 8

    func provisionOnce(
        _ spec: TestONUSpec, pon: PONAddress, name: String, onuType: String, auth: String, password: String?,
        wanted: [String]
    ) async throws -> Int {
        let record = ProvisioningRecord()
        /// The ids this provisioning reserved go back once it has ended, either way.
        func releaseReservations() async {
            for id in record.reservedIDs { await ONUIDReservations.shared.release(olt: olt, pon: pon, id: id) }
        }
        do {
            let id = try await batch { b in
                let existing = try await baseInfo(b, pon).first { row in
                    if let serial = spec.serial { return row.serial == serial }
                    return row.password == password
                }
                var present: [String] = []
                let id: Int
                if let existing {
                    id = existing.onuID
                    let reply = try await b.attempt("show running-config interface \(onuInterface(pon, id))")
                    if reply.refusal == nil { present = ZTECLIOutput.runningConfig(reply.text) }
                    // Ours from an earlier attempt: named as this test ONU, or bare (left between
                    // `onu N type` and its `name`). An ONU configured under another name is
                    // someone else's and is not taken over.
                    let named = present.first { $0.hasPrefix("name ") }.map { String($0.dropFirst(5)) }
                    let bare = present.allSatisfy { $0.hasPrefix("name ") }
                    if named != name, !bare {
                        throw OLTDriverError.alreadyAnotherONU(
                            spec.serial.map { "serial \($0)" } ?? "the password", onuID: id,
                            name: named, pon: pon, wanted: name, olt: description)
                    }
                    try await b.run("configure terminal")
                } else {
                    // The id is reserved in this process until the provisioning ends, so that
                    // another test on this PON port does not pick it meanwhile.
                    let used = Set(try await states(b, pon).map(\.onuID))
                    guard
                        let free = await ONUIDReservations.shared.reserve(
                            olt: olt, pon: pon, used: used, in: Self.onuIDRange)
                    else {
                        throw OLTDriverError(
                            .rejected, olt: description,
                            message: "every ONU id of \(oltInterface(pon)) is in use; remove an unused ONU first")
                    }
                    record.reservedIDs.insert(free)
                    id = free
                    try await b.run("configure terminal")
                    let reply = try await b.attempt("interface \(oltInterface(pon))")
                    if let refusal = reply.refusal {
                        throw refused("the OLT has no PON port \(oltInterface(pon))", refusal)
                    }
                    let add = try await b.attempt("onu \(id) type \(onuType) \(auth)")
                    if let refusal = add.refusal {
                        throw OLTDriverError(
                            .rejected, olt: description,
                            message: "the OLT refused to add test ONU \(name) as \(onuInterface(pon, id))",
                            deviceText: refusal)
                    }
                    record.createdONU = id
                    try await b.run("exit")
                }
                try await b.run("interface \(onuInterface(pon, id))")
                for line in wanted where !present.contains(line) {
                    if line.hasPrefix("service-port 1 "), present.contains(where: { $0.hasPrefix("service-port 1 ") }) {
                        try await b.run("no service-port 1")
                    }
                    try await b.run(line)
                }
                try await b.run("end")
                return id
            }
            await releaseReservations()
            return id
        } catch {
            if let id = record.createdONU { try? await remove(pon: pon, onuID: id) }
            await releaseReservations()
            throw error
        }
    }

    public func remove(pon: PONAddress, onuID: Int) async throws {
        let pon = try check.pon(pon)
        let id = try check.onuID(onuID, range: Self.onuIDRange)
        try await batch { b in
            try await b.run("configure terminal")
            let reply = try await b.attempt("interface \(oltInterface(pon))")
            if let refusal = reply.refusal { throw refused("the OLT has no PON port \(oltInterface(pon))", refusal) }
            let removal = try await b.attempt("no onu \(id)")
            if let refusal = removal.refusal, !refusal.contains("not exist") {
                throw OLTDriverError(
                    .rejected, olt: description, message: "the OLT refused to remove \(onuInterface(pon, id))",
                    deviceText: refusal)
            }
            try await b.run("end")
        }
    }
}
