import CLIModel
import FTTHCore
import Foundation

/// Huawei MA5600T/MA5800 over the command line (Telnet or SSH): the commands and output of
/// docs/cli-dialects.md.
///
/// Every value is checked before a line is built. Provisioning looks before it changes
/// anything (the ONT by serial or name, its service-ports), so a retry after a dropped session
/// completes what the first attempt began; a failure after the ONT was added removes it again.
public struct HuaweiCLIDriver: OLTDriver {
    /// How the Huawei CLI behaves at the terminal: for the connector that opens its sessions.
    public static let terminalStyle = CLITerminalStyle.huawei
    /// Run once per new session, each refusal tolerated: privileged mode, no interactive
    /// completion, no pager where the account allows.
    public static let sessionSetup = ["enable", "undo smart", "mmi-mode enable", "scroll 512"]
    static let refusals = CLIBatch.Refusals(prefixes: ["%", "Failure:", "Error:"])
    static let onuIDRange = 0...127
    static let passwordLimit = 10

    let core: CLIDriverCore

    /// `cli` opens sessions to the OLT at `olt`; a command that shows no prompt within
    /// `commandTimeout` fails the session; an operation is tried `attempts` times in all when
    /// its session fails (dropped, timed out). `clock` stamps readings.
    public init(
        cli: any CLIConnector, olt: ManagementAddress, dialect: VendorDialect = .huaweiMA5600T,
        commandTimeout: Duration = .seconds(30), attempts: Int = 2, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        precondition(dialect == .huaweiMA5600T || dialect == .huaweiMA5800, "HuaweiCLIDriver drives Huawei dialects")
        core = CLIDriverCore(
            cli: cli, olt: olt, dialect: dialect, commandTimeout: commandTimeout, attempts: attempts, clock: clock,
            driverName: "huawei-cli", refusals: Self.refusals, exitCommand: "quit")
    }

    public var description: String { core.description }
    var check: CLIArgument { core.check }
    var dialect: VendorDialect { core.dialect }
    var olt: ManagementAddress { core.olt }
    var clock: @Sendable () -> Date { core.clock }

    func batch<T: Sendable>(_ body: (CLIBatch) async throws -> T) async throws -> T {
        try await core.batch(body)
    }

    func notFound(_ what: String, _ refusal: String) -> OLTDriverError {
        OLTDriverError(.notFound, olt: description, message: what, deviceText: refusal)
    }

    // MARK: Reading

    /// Reads the run states first (each ONT's info, or the port's summary when every ONT is read)
    /// and asks optics only of ONTs that are online: an offline ONT cannot answer and each question loads the OLT. Every ONT of the
    /// port is read with one table; an ONT missing from it, or asked by id, is asked alone. A
    /// refusal for one ONT is that ONT's "no reading" with the OLT's words; the others are still
    /// read.
    public func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
        try await readOptics(pon: pon, onuIDs: onuIDs, knownOnline: [])
    }

    /// ONTs in `knownOnline` are not asked their run state again: their optics view answers
    /// "not online" if one went offline since.
    public func readOptics(pon: PONAddress, onuIDs: [Int], knownOnline: Set<Int>) async throws -> PONOptics {
        try await readOptics(pon: pon, onuIDs: Optional(onuIDs), knownOnline: knownOnline)
    }

    func readOptics(pon: PONAddress, onuIDs: [Int]?, knownOnline: Set<Int>) async throws -> PONOptics {
        let pon = try check.pon(pon)
        if let onuIDs { for id in onuIDs { _ = try check.onuID(id, range: Self.onuIDRange) } }
        return try await batch { b in
            try await b.run("config")
            let ids: [Int]
            var states: [Int: ONURunState] = [:]
            if let onuIDs {
                // A few ONTs, each by its own short view; the summary would list the whole port.
                for id in onuIDs {
                    states[id] = knownOnline.contains(id) ? .online : try await ontRunState(b, pon, id)
                }
                ids = onuIDs
            } else {
                let summary = try await listing(b, pon)
                for row in summary where states[row.onuID] == nil { states[row.onuID] = row.runState }
                ids = summary.map(\.onuID)
            }
            try await enterInterface(b, pon)
            let oltTx = HuaweiCLIOutput.portTxPower(try await b.run("display port state \(pon.port)"))
            var table: [Int: HuaweiCLIOutput.OpticalRow] = [:]
            if onuIDs == nil, states.values.contains(.online) {
                // Refused as a whole, the table is left aside and each online ONT asked alone.
                let reply = try await b.attempt("display ont optical-info \(pon.port) all")
                if reply.refusal == nil {
                    for row in HuaweiCLIOutput.opticalInfo(reply.text) { table[row.onuID] = row }
                }
            }
            var onus: [ONUOptics] = []
            for id in ids {
                let state = states[id] ?? .unknown
                if state != .online {
                    onus.append(Self.withoutReadings(id, state))
                } else if let row = table[id] {
                    onus.append(
                        ONUOptics(
                            onuID: id, runState: .online, onuRx: row.onuRx, onuTx: row.onuTx, oltRx: row.oltRx,
                            temperatureCelsius: row.temperatureCelsius, voltageVolts: row.voltageVolts,
                            biasMilliamps: row.biasMilliamps))
                } else {
                    onus.append(try await opticsDetail(b, pon, id))
                }
            }
            return PONOptics(olt: olt, pon: pon, oltTx: oltTx, onus: onus, readAt: clock(), source: description)
        }
    }

    static func withoutReadings(_ id: Int, _ state: ONURunState) -> ONUOptics {
        let none = PowerReading.missing(state == .online ? .absent : .onuOffline)
        return ONUOptics(onuID: id, runState: state, onuRx: none, onuTx: none, oltRx: none)
    }

    /// `display ont optical-info P ID` in the PON board's interface mode, for an ONT that was
    /// online. Its refusal is this ONT's "no reading" with the OLT's words.
    func opticsDetail(_ b: CLIBatch, _ pon: PONAddress, _ id: Int) async throws -> ONUOptics {
        let reply = try await b.attempt("display ont optical-info \(pon.port) \(id)")
        if let refusal = reply.refusal {
            // Gone offline since the summary was read.
            if refusal.contains("not online") { return Self.withoutReadings(id, .offline) }
            let none = PowerReading.missing(.refused, raw: refusal)
            return ONUOptics(onuID: id, runState: .online, onuRx: none, onuTx: none, oltRx: none)
        }
        let d = HuaweiCLIOutput.details(reply.text)
        guard d["Rx optical power(dBm)"] != nil else {
            throw OLTDriverError(
                .unexpectedResponse, olt: description,
                message: "no `Rx optical power(dBm)` in the optical-info of ONT \(id) on \(pon)", deviceText: reply.text
            )
        }
        func power(_ key: String) -> PowerReading { PowerReading(parsingDBm: d[key] ?? "") }
        func number(_ key: String) -> Double? {
            d[key].flatMap { Double($0.prefix { $0.isNumber || $0 == "." || $0 == "-" }) }
        }
        return ONUOptics(
            onuID: id, runState: .online, onuRx: power("Rx optical power(dBm)"), onuTx: power("Tx optical power(dBm)"),
            oltRx: power("OLT Rx ONT optical power(dBm)"), temperatureCelsius: number("Temperature(C)"),
            voltageVolts: number("Voltage(V)"), biasMilliamps: number("Laser bias current(mA)"))
    }

    func enterInterface(_ b: CLIBatch, _ pon: PONAddress) async throws {
        let reply = try await b.attempt("interface gpon \(pon.frame)/\(pon.slot)")
        if let refusal = reply.refusal {
            throw notFound("the OLT has no GPON board \(pon.frame)/\(pon.slot)", refusal)
        }
    }

    /// `display ont info summary F/S/P` (run in privileged or config mode).
    func listing(_ b: CLIBatch, _ pon: PONAddress) async throws -> [HuaweiCLIOutput.SummaryRow] {
        let reply = try await b.attempt("display ont info summary \(pon)")
        if let refusal = reply.refusal {
            // A port with no ONT answers with a failure, not an empty table.
            if refusal.contains("ONT does not exist") || refusal.contains("no ONT") { return [] }
            if refusal.contains("port does not exist") || refusal.contains("Parameter error") {
                throw notFound("the OLT has no PON port \(pon)", refusal)
            }
            throw OLTDriverError(
                .rejected, olt: description, message: "the OLT refused to list the ONTs on \(pon)", deviceText: refusal)
        }
        return HuaweiCLIOutput.infoSummary(reply.text).rows
    }

    public func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
        let pon = try check.pon(pon)
        let id = try check.onuID(onuID, range: Self.onuIDRange)
        return try await batch { b in try await ontRunState(b, pon, id) }
    }

    /// `display ont info F S P ID`: the run state of one ONT, kept by the OLT itself (no query of
    /// the ONT). Throws `notFound` when the ONT is not configured.
    func ontRunState(_ b: CLIBatch, _ pon: PONAddress, _ id: Int) async throws -> ONURunState {
        let reply = try await b.attempt("display ont info \(pon.frame) \(pon.slot) \(pon.port) \(id)")
        if let refusal = reply.refusal {
            if refusal.contains("not exist") {
                throw notFound("ONT \(id) is not configured on PON port \(pon)", refusal)
            }
            throw OLTDriverError(
                .rejected, olt: description, message: "the OLT refused to show ONT \(id) on \(pon)",
                deviceText: refusal)
        }
        switch HuaweiCLIOutput.details(reply.text)["Run state"]?.lowercased() {
        case "online": return .online
        case "offline": return .offline
        default: return .unknown
        }
    }

    public func listONUs(pon: PONAddress) async throws -> [ONUEntry] {
        let pon = try check.pon(pon)
        return try await batch { b in
            try await listing(b, pon).map {
                ONUEntry(onuID: $0.onuID, serial: $0.serial.flatMap(ONUSerial.init), name: $0.description ?? "")
            }
        }
    }

    // MARK: Provisioning

    public func provision(_ spec: TestONUSpec) async throws -> Int {
        let pon = try check.pon(spec.pon)
        let name = try check.name(spec.name, maximumLength: dialect.maxONUNameLength)
        let line = try check.profile("line profile", spec.lineProfile)
        let service = try check.profile("service profile", spec.serviceProfile)
        let auth: String
        if let serial = spec.serial {
            auth = "sn-auth \(serial.hexForm)"
        } else if let password = spec.password {
            auth = "password-auth \(try check.password(password, maximumLength: Self.passwordLimit)) always-on"
        } else {
            throw OLTDriverError(
                .invalidInput, olt: description,
                message: "test ONU \(name) has neither a serial nor a password; give one of them")
        }
        let record = ProvisioningRecord()
        do {
            return try await batch { b in
                try await b.run("config")
                let id = try await findOrAdd(
                    b, spec, pon: pon, name: name, auth: auth, line: line, service: service, record)
                try await ensureServicePort(b, pon: pon, id: id, svlan: spec.svlan, cvlan: spec.cvlan)
                return id
            }
        } catch {
            // Never leave a half-made ONT behind: undo what this call added.
            if let id = record.createdONU { try? await remove(pon: pon, onuID: id) }
            throw error
        }
    }

    func findOrAdd(
        _ b: CLIBatch, _ spec: TestONUSpec, pon: PONAddress, name: String, auth: String, line: String,
        service: String, _ record: ProvisioningRecord
    ) async throws -> Int {
        let existing = try await listing(b, pon).first { row in
            if let serial = spec.serial { return row.serial.flatMap(ONUSerial.init) == serial }
            return row.description == name
        }
        if let existing {
            // Ours from an earlier attempt (the name is set by `ont add` itself), or someone else's.
            if let serial = spec.serial, existing.description != name {
                throw OLTDriverError.alreadyAnotherONU(
                    "serial \(serial)", onuID: existing.onuID, name: existing.description, pon: pon, wanted: name,
                    olt: description)
            }
            return existing.onuID
        }
        try await enterInterface(b, pon)
        let reply = try await b.attempt(
            "ont add \(pon.port) \(auth) omci ont-lineprofile-name \(line) ont-srvprofile-name \(service) desc \"\(name)\""
        )
        if let refusal = reply.refusal, refusal.contains("SN already exists") {
            // Added meanwhile by someone else on this port (a concurrent retry): take it.
            try await b.run("quit")
            if let row = try await listing(b, pon).first(where: { row in
                spec.serial != nil && row.serial.flatMap(ONUSerial.init) == spec.serial
            }) {
                if let serial = spec.serial, row.description != name {
                    throw OLTDriverError.alreadyAnotherONU(
                        "serial \(serial)", onuID: row.onuID, name: row.description, pon: pon, wanted: name,
                        olt: description)
                }
                return row.onuID
            }
        }
        if let refusal = reply.refusal {
            let message =
                refusal.contains("SN already exists")
                ? "serial \(spec.serial.map(\.description) ?? "") is already configured on another PON port of this OLT; remove it there first"
                : "the OLT refused to add test ONU \(name) on \(pon)"
            throw OLTDriverError(.rejected, olt: description, message: message, deviceText: refusal)
        }
        guard let id = HuaweiCLIOutput.addedONTID(reply.text) else {
            throw OLTDriverError(
                .unexpectedResponse, olt: description, message: "no ONTID in the OLT's reply to `ont add` on \(pon)",
                deviceText: reply.text)
        }
        record.createdONU = id
        try await b.run("quit")
        return id
    }

    func servicePorts(_ b: CLIBatch, pon: PONAddress, id: Int) async throws -> [HuaweiCLIOutput.ServicePortRow] {
        let reply = try await b.attempt("display service-port port \(pon) ont \(id)")
        if let refusal = reply.refusal {
            if refusal.contains("No service virtual port") { return [] }
            throw OLTDriverError(
                .rejected, olt: description,
                message: "the OLT refused to list the service-ports of ONT \(id) on \(pon)",
                deviceText: refusal)
        }
        return HuaweiCLIOutput.servicePorts(reply.text).filter { $0.onuID == nil || $0.onuID == id }
    }

    /// One service-port SVLAN/CVLAN for the ONT; a service-port of an earlier test with other
    /// VLANs is replaced.
    func ensureServicePort(_ b: CLIBatch, pon: PONAddress, id: Int, svlan: VLANID, cvlan: VLANID) async throws {
        let rows = try await servicePorts(b, pon: pon, id: id)
        if rows.contains(where: { $0.vlan == svlan.value && $0.userVLAN == cvlan.value }) { return }
        for row in rows { try await b.run("undo service-port \(row.index)") }
        try await b.run(
            "service-port vlan \(check.vlan(svlan)) gpon \(pon) ont \(id) gemport 1 multi-service user-vlan \(check.vlan(cvlan)) tag-transform translate"
        )
    }

    public func remove(pon: PONAddress, onuID: Int) async throws {
        let pon = try check.pon(pon)
        let id = try check.onuID(onuID, range: Self.onuIDRange)
        try await batch { b in
            try await b.run("config")
            for row in try await servicePorts(b, pon: pon, id: id) { try await b.run("undo service-port \(row.index)") }
            try await enterInterface(b, pon)
            let reply = try await b.attempt("ont delete \(pon.port) \(id)")
            if let refusal = reply.refusal, !refusal.contains("not exist") {
                throw OLTDriverError(
                    .rejected, olt: description, message: "the OLT refused to delete ONT \(id) on \(pon)",
                    deviceText: refusal)
            }
        }
    }
}
