import FTTHConfig
import FTTHCore
import FTTHDaemon
import FTTHSNMP
import OLTSim
import OLTSimServer
import Testing

/// Drivers made from `[[olt]]` tables reach olt-sim over Telnet with the password from the
/// environment; a missing table or secret is an error that says what to add.
@Suite(.serialized) struct ConfiguredDriversTests {
    @Test func anOLTConfiguredForTelnetIsReadWithThePasswordFromTheEnvironment() async throws {
        var sim = SimConfiguration.synthetic(olts: 1, onusPerOLT: 4, dialects: [.zteC300])
        sim.olts[0].cli = SimCLIConfiguration(sshPort: nil, password: "s3cret")
        let simulator = OLTSimulator(configuration: sim, clock: ManualSimClock())
        let servers = try SimulatorCLIServers(simulator: simulator)
        let endpoint = try await servers.start()[0]
        let address = simulator.olts[0].config.address
        let config = try AcceptdConfiguration(
            toml: """
                [[olt]]
                address = "\(address)"
                transport = "telnet"
                host = "127.0.0.1"
                port = \(endpoint.telnetPort!)
                username = "admin"
                password_env = "OLT_PW"
                service_profile = "ZTE-F660"
                """)
        let client = SNMPClient()
        let drivers = ConfiguredDrivers(southbound: config.southbound, environment: ["OLT_PW": "s3cret"], snmp: client)
        do {
            let driver = try drivers.driver(for: address, dialect: .zteC300)
            let optics = try await driver.readOptics(pon: simulator.olts[0].config.pons[0].address, onuIDs: nil)
            #expect(optics.onus.count == 4)
            #expect(drivers.provisioningProfiles(for: address) == ("ftth-test", "ZTE-F660"))

            let missing = ConfiguredDrivers(southbound: config.southbound, environment: [:], snmp: client)
            let noSecret = #expect(throws: OLTDriverError.self) {
                _ = try missing.driver(for: address, dialect: .zteC300)
            }
            #expect(noSecret?.message.contains("export OLT_PW") == true)
            let unknown = #expect(throws: OLTDriverError.self) {
                _ = try drivers.driver(for: ManagementAddress("192.0.2.9")!, dialect: .zteC300)
            }
            #expect(unknown?.message.contains("no [[olt]] with address = \"192.0.2.9\"") == true)
        } catch {
            await drivers.shutdown()
            await client.shutdown()
            await servers.stop()
            throw error
        }
        await drivers.shutdown()
        await client.shutdown()
        await servers.stop()
    }
}
