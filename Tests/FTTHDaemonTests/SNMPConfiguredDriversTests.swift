import FTTHConfig
import FTTHCore
import FTTHDaemon
import FTTHSNMP
import OLTSim
import OLTSimServer
import SNMPModel
import Testing

/// OLTs configured for SNMP are read through the daemon's factory with the version, v3 user,
/// timeout and retries of their `[[olt]]`; pass phrases come from the environment and never
/// show in a description or an error.
@Suite(.serialized) struct SNMPConfiguredDriversTests {
    static let authKey = "auth-pass-phrase-1"
    static let privKey = "priv-pass-phrase-2"

    /// One simulated ZTE C300 whose agent knows an authPriv user and the community `public`.
    static func simulator() -> OLTSimulator {
        var sim = SimConfiguration.synthetic(olts: 1, onusPerOLT: 3, dialects: [.zteC300])
        sim.olts[0].snmp.v3Users = [
            SimV3User(user: "ftth", auth: (.sha256, Secret(authKey)), priv: (.aes, Secret(privKey)))
        ]
        return OLTSimulator(configuration: sim, clock: ManualSimClock())
    }

    /// Runs `body` with drivers made from `olt` (an `[[olt]]` body without address, host and port);
    /// the timeout leaves room for a loaded machine.
    static func withDrivers(
        _ olt: String, environment: [String: String],
        _ body: (ConfiguredDrivers, ManagementAddress, PONAddress) async throws -> Void
    ) async throws {
        let simulator = simulator()
        let agents = try SimulatorAgents(simulator: simulator)
        let port = try await agents.start()[0].port
        let address = simulator.olts[0].config.address
        let client = SNMPClient()
        var drivers: ConfiguredDrivers?
        do {
            let config = try AcceptdConfiguration(
                toml: """
                    [southbound]
                    snmp_timeout_ms = 5000

                    [[olt]]
                    address = "\(address)"
                    transport = "snmp"
                    host = "127.0.0.1"
                    port = \(port)
                    \(olt)
                    """)
            let made = ConfiguredDrivers(southbound: config.southbound, environment: environment, snmp: client)
            drivers = made
            try await body(made, address, simulator.olts[0].config.pons[0].address)
        } catch {
            await drivers?.shutdown()
            await client.shutdown()
            await agents.stop()
            throw error
        }
        await drivers?.shutdown()
        await client.shutdown()
        await agents.stop()
    }

    static let v3 = """
        snmp_version = "v3"
        snmp_user = "ftth"
        snmp_auth_protocol = "SHA-256"
        snmp_auth_password_env = "OLT_SNMP_AUTH"
        snmp_priv_protocol = "AES"
        snmp_priv_password_env = "OLT_SNMP_PRIV"
        """

    @Test func aV3AuthPrivOLTIsReadWithThePassPhrasesFromTheEnvironment() async throws {
        try await Self.withDrivers(
            Self.v3, environment: ["OLT_SNMP_AUTH": Self.authKey, "OLT_SNMP_PRIV": Self.privKey]
        ) {
            drivers, address, pon in
            let driver = try drivers.driver(for: address, dialect: .zteC300)
            let optics = try await driver.readOptics(pon: pon, onuIDs: nil)
            #expect(optics.onus.count == 3)
            #expect(optics.onus.allSatisfy { $0.onuRx.value != nil })
            #expect(driver.description.contains("v3 user ftth authPriv"))
            for text in [driver.description, optics.source] {
                #expect(!text.contains(Self.authKey) && !text.contains(Self.privKey))
            }
        }
    }

    @Test func aWrongPrivacyPassPhraseFailsWithoutShowingIt() async throws {
        let wrong = "not-the-priv-phrase"
        try await Self.withDrivers(Self.v3, environment: ["OLT_SNMP_AUTH": Self.authKey, "OLT_SNMP_PRIV": wrong]) {
            drivers, address, pon in
            let driver = try drivers.driver(for: address, dialect: .zteC300)
            let error = await #expect(throws: OLTDriverError.self) {
                _ = try await driver.readOptics(pon: pon, onuIDs: nil)
            }
            #expect(error.map { !"\($0)".contains(wrong) && !"\($0)".contains(Self.authKey) } == true)
        }
    }

    @Test func aMissingPassPhraseNamesTheVariableToExport() async throws {
        try await Self.withDrivers(Self.v3, environment: ["OLT_SNMP_AUTH": Self.authKey]) { drivers, address, _ in
            let error = #expect(throws: OLTDriverError.self) {
                _ = try drivers.driver(for: address, dialect: .zteC300)
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("export OLT_SNMP_PRIV") == true, "\(String(describing: error))")
            #expect(error.map { !"\($0)".contains(Self.authKey) } == true)
        }
    }

    @Test func aV1OLTIsReadWithItsCommunity() async throws {
        try await Self.withDrivers(
            "snmp_version = \"v1\"\npassword_env = \"OLT_COMMUNITY\"", environment: ["OLT_COMMUNITY": "public"]
        ) { drivers, address, pon in
            let driver = try drivers.driver(for: address, dialect: .zteC300)
            #expect(driver.description.contains("(v1)"))
            #expect(try await driver.readOptics(pon: pon, onuIDs: nil).onus.count == 3)
        }
    }
}
