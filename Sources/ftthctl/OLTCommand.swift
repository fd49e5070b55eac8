import ArgumentParser
import CLIModel
import FTTHCLI
import FTTHCore
import FTTHDrivers
import FTTHSNMP
import FTTHSouthbound
import Foundation
import SNMPModel

struct OLTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "olt",
        abstract: "Talk to an OLT directly, without the daemon: for an engineer checking a driver or a port.",
        subcommands: [OLTOptics.self, OLTHostKey.self]
    )
}

/// How to reach an OLT over SNMP, shared by the `olt` subcommands.
struct SNMPOptions: ParsableArguments {
    @Option(name: .long, help: "SNMP v2c community (or set FTTH_SNMP_COMMUNITY).")
    var community: String?
    @Flag(name: .customLong("v1"), help: "Use SNMPv1 with the community instead of v2c.")
    var v1 = false
    @Option(name: .customLong("v3-user"), help: "SNMPv3 user name (use instead of --community).")
    var v3User: String?
    @Option(name: .customLong("auth-proto"), help: "SNMPv3 authentication: MD5, SHA or SHA-256.")
    var authProto: String?
    @Option(name: .customLong("auth-key"), help: "SNMPv3 authentication pass phrase (or set FTTH_SNMP_AUTH_KEY).")
    var authKey: String?
    @Option(name: .customLong("priv-proto"), help: "SNMPv3 privacy: AES or DES.")
    var privProto: String?
    @Option(name: .customLong("priv-key"), help: "SNMPv3 privacy pass phrase (or set FTTH_SNMP_PRIV_KEY).")
    var privKey: String?
    @Option(name: .long, help: "Seconds to wait for each answer.")
    var timeout: Double = 3
    @Option(name: .long, help: "Retries after the first attempt.")
    var retries: Int = 1

    /// Checked only when an SNMP driver is chosen (`validate(for:)`).
    func validateForSNMP() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be between 0 and 60 seconds") }
        guard (0...10).contains(retries) else { throw ValidationError("--retries must be 0-10") }
        let env = ProcessInfo.processInfo.environment
        if v3User == nil && community == nil && env["FTTH_SNMP_COMMUNITY"] == nil {
            throw ValidationError("give --community (v2c) or --v3-user with its keys")
        }
        if v3User != nil && community != nil {
            throw ValidationError("give either --community or --v3-user, not both")
        }
        if let authProto, Self.auth(authProto) == nil {
            throw ValidationError("--auth-proto must be MD5, SHA or SHA-256, not '\(authProto)'")
        }
        if let privProto, SNMPv3Security.PrivProtocol(rawValue: privProto.uppercased()) == nil {
            throw ValidationError("--priv-proto must be AES or DES, not '\(privProto)'")
        }
        if privProto != nil && authProto == nil {
            throw ValidationError("--priv-proto needs --auth-proto: SNMPv3 has no privacy without authentication")
        }
        if authProto != nil && (authKey ?? env["FTTH_SNMP_AUTH_KEY"]) == nil {
            throw ValidationError("--auth-proto needs --auth-key (or FTTH_SNMP_AUTH_KEY)")
        }
        if privProto != nil && (privKey ?? env["FTTH_SNMP_PRIV_KEY"]) == nil {
            throw ValidationError("--priv-proto needs --priv-key (or FTTH_SNMP_PRIV_KEY)")
        }
    }

    static func auth(_ text: String) -> SNMPv3Security.AuthProtocol? {
        SNMPv3Security.AuthProtocol.allCases.first { $0.rawValue.caseInsensitiveCompare(text) == .orderedSame }
    }

    func target(host: String, port: Int) -> SNMPTarget {
        let env = ProcessInfo.processInfo.environment
        let credentials: SNMPCredentials
        if let v3User {
            let auth = authProto.map { (Self.auth($0)!, Secret(authKey ?? env["FTTH_SNMP_AUTH_KEY"]!)) }
            let priv = privProto.map {
                (SNMPv3Security.PrivProtocol(rawValue: $0.uppercased())!, Secret(privKey ?? env["FTTH_SNMP_PRIV_KEY"]!))
            }
            credentials = .v3(SNMPv3Security(user: v3User, auth: auth, priv: priv))
        } else {
            let c = Secret(community ?? env["FTTH_SNMP_COMMUNITY"]!)
            credentials = v1 ? .v1(community: c) : .v2c(community: c)
        }
        return SNMPTarget(
            host: host, port: port, credentials: credentials, timeoutMilliseconds: Int(timeout * 1000), retries: retries
        )
    }
}

/// How to reach an OLT's command line, shared by the `olt` subcommands.
struct CLIOptions: ParsableArguments {
    @Option(name: .long, help: "CLI user name.")
    var username: String?
    @Option(name: .long, help: "CLI password (or set FTTH_OLT_PASSWORD, which keeps it out of the process list).")
    var password: String?
    @Flag(name: .long, help: "Use SSH instead of Telnet.")
    var ssh = false
    @Option(
        name: .customLong("host-key"),
        help:
            "SSH: the OLT's host key, as OpenSSH prints it (ssh-rsa AAAA…, ssh-ed25519 AAAA…) or its SHA256: fingerprint (`ftthctl olt hostkey` shows both). Required with --ssh."
    )
    var hostKey: String?
    @Option(
        name: .customLong("ssh-legacy"),
        help:
            "SSH: legacy algorithms this OLT needs, comma-separated as `ssh -Q` names them (ssh-rsa,diffie-hellman-group14-sha1,aes128-ctr,hmac-sha1)."
    )
    var sshLegacy: String?
    @Option(name: .customLong("ssh-key-file"), help: "SSH: a private key file to log in with before the password.")
    var sshKeyFile: String?
    @Option(name: .customLong("command-timeout"), help: "Seconds to wait for each command's prompt.")
    var commandTimeout: Double = 30

    func validateForCLI() throws {
        guard username != nil else { throw ValidationError("--username is required with a CLI driver") }
        guard let secret = password ?? ProcessInfo.processInfo.environment["FTTH_OLT_PASSWORD"], !secret.isEmpty else {
            throw ValidationError("give --password or set FTTH_OLT_PASSWORD")
        }
        guard commandTimeout > 0, commandTimeout <= 600 else {
            throw ValidationError("--command-timeout must be between 0 and 600 seconds")
        }
        if hostKey != nil && !ssh { throw ValidationError("--host-key is for SSH: add --ssh or leave it out") }
        if (sshLegacy != nil || sshKeyFile != nil) && !ssh {
            throw ValidationError("--ssh-legacy and --ssh-key-file are for SSH: add --ssh or leave them out")
        }
        _ = try algorithms()
    }

    /// The secure defaults plus `--ssh-legacy`.
    func algorithms() throws -> SSHAlgorithms {
        guard let sshLegacy else { return .secure }
        do {
            return try SSHAlgorithms(legacy: sshLegacy.split(separator: ",").map { String($0) })
        } catch {
            throw ValidationError("--ssh-legacy: \(error)")
        }
    }

    func target(host: String, port: Int?) -> CLITarget {
        CLITarget(
            host: host, port: port, transport: ssh ? .ssh : .telnet, username: username!,
            password: password ?? ProcessInfo.processInfo.environment["FTTH_OLT_PASSWORD"]!, hostKey: hostKey,
            commandTimeout: .milliseconds(Int(commandTimeout * 1000)), maxSessions: 1,
            sshAlgorithms: (try? algorithms()) ?? .secure, privateKeyFile: sshKeyFile)
    }
}

/// `ftthctl olt hostkey`: the SSH host key an OLT presents, for an engineer to check on the OLT's
/// console and then pin.
struct OLTHostKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostkey",
        abstract: "Print the SSH host key an OLT presents (key line and SHA256 fingerprint), without logging in.",
        discussion: """
            Check the fingerprint against the OLT's console (Huawei: `display ssh server-info`; ZTE:             `show ssh`) before pinning the key line or the fingerprint as the OLT's host_key. An OLT             that offers only legacy algorithms needs them named with --ssh-legacy, as in its             configuration.
            """)

    @Option(name: .long, help: "The OLT's address or name.")
    var host: String
    @Option(name: .long, help: "The OLT's SSH port.")
    var port = 22
    @Option(
        name: .customLong("ssh-legacy"),
        help:
            "Legacy algorithms the OLT needs, comma-separated as `ssh -Q` names them (ssh-rsa,diffie-hellman-group14-sha1)."
    )
    var sshLegacy: String?
    @Option(name: .long, help: "Seconds to wait for the handshake.")
    var timeout: Double = 20

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535") }
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        _ = try algorithms()
    }

    func algorithms() throws -> SSHAlgorithms {
        guard let sshLegacy else { return .secure }
        do {
            return try SSHAlgorithms(legacy: sshLegacy.split(separator: ",").map { String($0) })
        } catch {
            throw ValidationError("--ssh-legacy: \(error)")
        }
    }

    func run() async throws {
        let key = try await LibSSHShellSession.presentedHostKey(
            host: host, port: port, algorithms: try algorithms(), timeout: .milliseconds(Int(timeout * 1000)))
        print(key.line)
        print(key.fingerprint)
    }
}

struct OLTOptics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optics",
        abstract: "Read the optics of a PON port: OLT tx, and each ONU's rx, tx and the OLT's rx of it.",
        discussion: """
            Drivers: huawei-snmp (MA5600T/MA5800, HUAWEI-XPON-MIB), zte-snmp (C300/C320/C600), \
            huawei-cli (MA5600T/MA5800 over Telnet, or SSH with --ssh), zte-cli (C300) and \
            zte-c600-cli (C600's interface names). \
            Readings are live, stamped with the time and the source; a vendor's no-value marker is \
            shown as no reading (null in JSON), never as a number.
            """)

    enum Driver: String, ExpressibleByArgument, CaseIterable {
        case huaweiSNMP = "huawei-snmp"
        case zteSNMP = "zte-snmp"
        case huaweiCLI = "huawei-cli"
        case zteCLI = "zte-cli"
        case zteC600CLI = "zte-c600-cli"

        var isCLI: Bool { self != .huaweiSNMP && self != .zteSNMP }

        /// The dialect the driver speaks: C300 for the ZTE drivers but zte-c600-cli.
        var dialect: VendorDialect {
            switch self {
            case .huaweiSNMP, .huaweiCLI: .huaweiMA5600T
            case .zteSNMP, .zteCLI: .zteC300
            case .zteC600CLI: .zteC600
            }
        }
    }

    @Option(name: .long, help: "Driver: \(Driver.allCases.map(\.rawValue).joined(separator: ", ")).")
    var driver: Driver
    @Option(name: .long, help: "OLT management address or host name.")
    var host: String
    @Option(name: .long, help: "Port: default 161 for SNMP, 23 for Telnet, 22 for SSH.")
    var port: Int?
    @OptionGroup(title: "SNMP drivers") var snmp: SNMPOptions
    @OptionGroup(title: "CLI drivers") var cli: CLIOptions
    @Option(name: .long, help: "PON port, frame/slot/port (Huawei 0/1/0, ZTE 1/2/1).")
    var pon: String
    @Option(name: .long, help: "Only these ONU ids (comma-separated); default every configured ONU.")
    var onu: String?
    @Flag(name: .long, help: "Print JSON: one object per ONU.")
    var json = false

    func validate() throws {
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1-65535") }
        if driver.isCLI { try cli.validateForCLI() } else { try snmp.validateForSNMP() }
        guard PONAddress(pon) != nil else {
            throw ValidationError("--pon '\(pon)' is not frame/slot/port such as 0/1/0")
        }
        if let onu {
            let ids = onu.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ids.isEmpty, ids.allSatisfy({ $0.map { (0...255).contains($0) } ?? false }) else {
                throw ValidationError("--onu must be ONU ids 0-255 separated by commas, such as 1,2,5")
            }
        }
    }

    func run() async throws {
        let ids = onu.map { $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        let address = ManagementAddress(host) ?? ManagementAddress("0.0.0.0")!
        let endpoint = OLTEndpoint(
            address: address,
            transport: driver.isCLI
                ? .cli(cli.target(host: host, port: port)) : .snmp(snmp.target(host: host, port: port ?? 161)))
        // The daemon's factory: the same drivers, pools and SNMP sessions as ftth-acceptd makes.
        let client = SNMPClient()
        let factory = OLTDriverFactory(snmp: client)
        func close() async {
            await factory.shutdown()
            await client.shutdown()
        }
        let optics: PONOptics
        do {
            let oltDriver = try factory.driver(for: endpoint, dialect: driver.dialect)
            optics = try await oltDriver.readOptics(pon: PONAddress(pon)!, onuIDs: ids)
        } catch var error as OLTDriverError where driver.isCLI && error.message.contains("host key") {
            await close()
            error.message +=
                "; with ftthctl, pass it as --host-key \"TYPE AAAA…\" or --host-key SHA256:… (see `ftthctl olt hostkey`)"
            throw error
        } catch {
            await close()
            throw error
        }
        await close()
        show(optics)
    }

    func show(_ optics: PONOptics) {
        func number(_ r: PowerReading) -> JSONOutput { r.value.map { .number($0.decimalString) } ?? .null }
        if json {
            print(
                JSONOutput.array(
                    optics.onus.map { o in
                        .object([
                            ("onu", .int(o.onuID)), ("onu_rx_dbm", number(o.onuRx)), ("onu_tx_dbm", number(o.onuTx)),
                            ("olt_rx_dbm", number(o.oltRx)), ("olt_tx_dbm", number(optics.oltTx)),
                        ])
                    }
                ).rendered())
            return
        }
        func text(_ r: PowerReading) -> String {
            switch r {
            case .dBm(let v): v.decimalString
            case .noReading(let n): n.raw.map { "- (\($0))" } ?? "-"
            }
        }
        print("PON \(optics.pon) of \(optics.source), read \(optics.readAt.formatted(.iso8601))")
        print("OLT tx \(text(optics.oltTx)) dBm\n")
        var table = TextTable("ONU", "STATE", "ONU RX dBm", "ONU TX dBm", "OLT RX dBm", "DOWN dB", "UP dB")
        for o in optics.onus {
            let r = optics.readings(onuID: o.onuID)
            table.add([
                String(o.onuID), o.runState.rawValue, text(o.onuRx), text(o.onuTx), text(o.oltRx),
                r?.downstreamAttenuation?.decimalString ?? "-", r?.upstreamAttenuation?.decimalString ?? "-",
            ])
        }
        print(optics.onus.isEmpty ? "no ONU configured on this PON port" : table.rendered())
    }
}
