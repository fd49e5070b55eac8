import FTTHConfig
import Foundation
import Testing

@testable import OLTSim

@Suite("olt-sim BRAS configuration")
struct SimBRASConfigurationTests {
    static let city = """
        [[olt]]
        name = "a"
        address = "10.0.0.1"
        dialect = "zte-c600"

        """

    @Test func aBRASTableWithAccountsAndFaultsParses() throws {
        let c = try SimConfiguration(
            toml: Self.city + """
                [bras]
                interface = "bras0"
                ac_name = "BRAS-Lab"
                service_name = "fibre"
                auth = "pap"
                address = "10.68.0.1/16"
                dns = ["10.68.0.53", "10.68.0.54"]
                plan_mbps = 200
                [[bras.accounts]]
                username = "good"
                password = "pw1"
                [[bras.accounts]]
                username = "changed"
                password = "pw2"
                fault = "wrong_password"
                [[bras.accounts]]
                username = "radius-down"
                password = "pw3"
                fault = "no_answer"
                [[bras.accounts]]
                username = "flaky"
                password = "pw4"
                fault = "echo_stops:1.5"
                [[bras.accounts]]
                username = "slow"
                password = "pw5"
                fault = "slow_line"
                [[bras.accounts]]
                username = "slower"
                password = "pw6"
                fault = "slow_line:10"
                """)
        let bras = try #require(c.bras)
        #expect(bras.interface == "bras0")
        #expect(bras.tunName == "ftthbras0")
        #expect(bras.acName == "BRAS-Lab")
        #expect(bras.serviceName == "fibre")
        #expect(bras.auth == .pap)
        #expect(bras.address == [10, 68, 0, 1])
        #expect(bras.prefixLength == 16)
        #expect(bras.dns == [[10, 68, 0, 53], [10, 68, 0, 54]])
        #expect(bras.planMbps == 200)
        #expect(
            bras.accounts.map(\.fault) == [
                nil, .wrongPassword, .noAnswer, .echoStops(after: .milliseconds(1500)), .slowLine(mbps: 50),
                .slowLine(mbps: 10),
            ])
        #expect(bras.accounts[0].passwordHeldByBRAS == "pw1")
        #expect(bras.accounts[1].passwordHeldByBRAS != "pw2")
        #expect(bras.rateBitsPerSecond(account: bras.accounts[0]) == 200_000_000)
        #expect(bras.rateBitsPerSecond(account: bras.accounts[4]) == 50_000_000)
        #expect(bras.rateBitsPerSecond(account: nil) == 200_000_000)
    }

    @Test func theDemosBRASFollowsTheSampleCity() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config")
        let city = try String(contentsOf: config.appendingPathComponent("olt-sim.toml"), encoding: .utf8)
        let bras = try String(contentsOf: config.appendingPathComponent("demo-bras.toml"), encoding: .utf8)
        let c = try SimConfiguration(toml: city + bras)
        let demo = try #require(c.bras)
        #expect(demo.interface == "ftthdemo-bras")
        #expect(demo.accounts.count == 6)
        #expect(demo.accounts.compactMap(\.fault).count == 4)
        // The accounts the demo imports into the daemon are the BRAS's.
        let csv = try String(contentsOf: config.appendingPathComponent("demo-accounts.csv"), encoding: .utf8)
        let imported = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(imported.map { $0[0] } == demo.accounts.map(\.username))
        #expect(imported.map { $0[1] } == demo.accounts.map(\.password))
    }

    @Test func theDefaultsAreTheDemosBRAS() throws {
        let c = try SimConfiguration(
            toml: Self.city + """
                [bras]
                interface = "bras0"
                [[bras.accounts]]
                username = "u"
                password = "p"
                fault = "echo_stops"
                """)
        let bras = try #require(c.bras)
        #expect(bras.address == [10, 67, 0, 1])
        #expect(bras.prefixLength == 24)
        #expect(bras.dns == [[10, 67, 0, 1]])
        #expect(bras.serviceName == "internet")
        #expect(bras.auth == .chap)
        #expect(bras.planMbps == 100)
        #expect(bras.accounts[0].fault == .echoStops(after: .seconds(2)))
        #expect(try SimConfiguration(toml: Self.city).bras == nil)
    }

    @Test(arguments: [
        ("[bras]\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"", "bras.interface"),
        ("[bras]\ninterface = \"a/b\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"", "bras.interface"),
        ("[bras]\ninterface = \"bras0\"", "bras.accounts"),
        (
            "[bras]\ninterface = \"bras0\"\nauth = \"eap\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.auth"
        ),
        (
            "[bras]\ninterface = \"bras0\"\ncolour = 1\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.colour"
        ),
        (
            "[bras]\ninterface = \"bras0\"\naddress = \"10.67.0.300/24\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.address"
        ),
        (
            "[bras]\ninterface = \"bras0\"\naddress = \"10.67.0.1/31\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.address"
        ),
        (
            "[bras]\ninterface = \"bras0\"\ndns = [\"x\"]\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.dns"
        ),
        (
            "[bras]\ninterface = \"bras0\"\nplan_mbps = 0\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"",
            "bras.plan_mbps"
        ),
        ("[bras]\ninterface = \"bras0\"\n[[bras.accounts]]\nusername = \"u\"", "bras.accounts[0].password"),
        (
            "[bras]\ninterface = \"bras0\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"\nfault = \"tired\"",
            "bras.accounts[0].fault"
        ),
        (
            "[bras]\ninterface = \"bras0\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"\nfault = \"slow_line:-1\"",
            "bras.accounts[0].fault"
        ),
        (
            "[bras]\ninterface = \"bras0\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"\nfault = \"no_answer:3\"",
            "bras.accounts[0].fault"
        ),
        (
            "[bras]\ninterface = \"bras0\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"p\"\n[[bras.accounts]]\nusername = \"u\"\npassword = \"q\"",
            "bras.accounts[1].username"
        ),
    ])
    func anInvalidBRASValueNamesItsKey(toml: String, key: String) {
        #expect {
            _ = try SimConfiguration(toml: Self.city + toml)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
