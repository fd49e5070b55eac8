import CLIModel
import FTTHCLI
import FTTHCore
import FTTHDrivers
import OLTSim
import OLTSimServer
import Testing

/// Long output through the real pager: 64 ONUs on one PON port, 10 lines a page, and no
/// `scroll 512` in the session set-up, so the summary and the optical table cross many page
/// breaks (`---- More ----` and the `ESC[37D` erase, ZTE `--More--`). The readings must be those
/// the driver reads in process, where nothing is paged.
@Suite("Paged output over Telnet", .serialized)
struct PagedOutputTests {
    @Test(arguments: [VendorDialect.huaweiMA5600T, .zteC300])
    func everyRowSurvivesThePager(dialect: VendorDialect) async throws {
        var config = SimConfiguration.synthetic(olts: 1, onusPerOLT: 64, dialects: [dialect])
        config.olts[0].cli = SimCLIConfiguration(sshPort: nil, pageLines: 10)
        let simulator = OLTSimulator(configuration: config, clock: ManualSimClock())
        let olt = simulator.olts[0]
        let pon = olt.config.pons[0].address
        let servers = try SimulatorCLIServers(simulator: simulator)
        let endpoint = try await servers.start()[0]
        let target = CLITarget(
            host: "127.0.0.1", port: endpoint.telnetPort!, transport: .telnet, username: "admin", password: "admin")
        let huawei = dialect.isHuawei
        // Privileged mode only: the pager stays at its 10 lines (ZTE pages at 24).
        let pool = CLIConnectionPool(
            target: target, style: huawei ? HuaweiCLIDriver.terminalStyle : ZTECLIDriver.terminalStyle,
            sessionSetup: huawei ? ["enable"] : [])
        let local = LocalCLIConnector(
            olt: olt, setup: huawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup)
        func driver(_ cli: any CLIConnector) -> any OLTDriver {
            huawei
                ? HuaweiCLIDriver(cli: cli, olt: olt.config.address, dialect: dialect)
                : ZTECLIDriver(cli: cli, olt: olt.config.address, dialect: dialect)
        }
        do {
            let paged = try await driver(pool).readOptics(pon: pon, onuIDs: nil)
            let unpaged = try await driver(local).readOptics(pon: pon, onuIDs: nil)
            #expect(paged.onus.count == 64)
            #expect(paged.onus == unpaged.onus)
            #expect(paged.oltTx == unpaged.oltTx)
            let listed = try await driver(pool).listONUs(pon: pon)
            #expect(listed == (try await driver(local).listONUs(pon: pon)))
            #expect(listed.count == 64)
        } catch {
            await pool.shutdown()
            await servers.stop()
            throw error
        }
        await pool.shutdown()
        await servers.stop()
    }
}
