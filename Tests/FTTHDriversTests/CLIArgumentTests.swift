import CLIModel
import FTTHCore
import FTTHDrivers
import Testing

/// Nothing unsafe reaches an OLT: every value is checked before a line is built, and a refused
/// value sends no byte at all.
@Suite struct CLIArgumentTests {
    static let pon = PONAddress(frame: 0, slot: 1, port: 1)

    static func spec(
        name: String = "FT-0A140001-0-1-1-S1-P1", password: String? = nil, line: String = "ftth-test",
        service: String = "ftth-test", serial: ONUSerial? = ONUSerial("HWTCA1B2C3D4")
    ) -> TestONUSpec {
        TestONUSpec(
            pon: pon, name: name, serial: password == nil ? serial : nil, password: password, svlan: VLANID(100)!,
            cvlan: VLANID(2001)!, lineProfile: line, serviceProfile: service)
    }

    static func drivers(_ cli: ScriptedCLI) -> [any OLTDriver] {
        let olt = ManagementAddress("192.0.2.1")!
        return [
            HuaweiCLIDriver(cli: cli, olt: olt), HuaweiCLIDriver(cli: cli, olt: olt, dialect: .huaweiMA5800),
            ZTECLIDriver(cli: cli, olt: olt), ZTECLIDriver(cli: cli, olt: olt, dialect: .zteC600),
        ]
    }

    static let unsafeNames = [
        "FT-1\nundo service-port all", "FT-1\r", "FT \"x\"", "FT-1'", "FT-1\u{1B}[2J", "FT-1\u{0}", "FT 1", "FT-1?",
        "FT\\1", "", "FT-1\u{7F}", "FT-１",
    ]

    @Test(arguments: unsafeNames)
    func unsafeNamesAreRefusedBeforeAnythingIsSent(name: String) async throws {
        let cli = ScriptedCLI { line, _ in
            Issue.record("sent \(line)"); return CLIOutput(text: "", prompt: "X#")
        }
        for driver in Self.drivers(cli) {
            let error = await #expect(throws: OLTDriverError.self) { try await driver.provision(Self.spec(name: name)) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("ONU name") == true)
            #expect(error?.message.contains("nothing was sent") == true)
        }
        #expect(cli.sent.isEmpty)
    }

    @Test(arguments: ["ftth\ntest", "a b", "p\"", String(repeating: "p", count: 33)])
    func unsafeProfilesAreRefused(profile: String) async throws {
        let cli = ScriptedCLI { _, _ in CLIOutput(text: "", prompt: "X#") }
        for driver in Self.drivers(cli) {
            let line = await #expect(throws: OLTDriverError.self) {
                try await driver.provision(Self.spec(line: profile))
            }
            #expect(line?.code == .invalidInput)
            let service = await #expect(throws: OLTDriverError.self) {
                try await driver.provision(Self.spec(service: profile))
            }
            #expect(service?.code == .invalidInput)
        }
        #expect(cli.sent.isEmpty)
    }

    @Test(arguments: ["pw 1", "pw\n", "ab\"c", "", "12345678901234567890123456"])
    func unsafePasswordsAreRefused(password: String) async throws {
        let cli = ScriptedCLI { _, _ in CLIOutput(text: "", prompt: "X#") }
        for driver in Self.drivers(cli) {
            let error = await #expect(throws: OLTDriverError.self) {
                try await driver.provision(Self.spec(password: password))
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("password") == true)
        }
        #expect(cli.sent.isEmpty)
    }

    @Test func namesLongerThanTheDialectAllowsAreRefusedNotTruncated() async throws {
        let cli = ScriptedCLI { _, _ in CLIOutput(text: "", prompt: "X#") }
        let olt = ManagementAddress("192.0.2.1")!
        let zte = ZTECLIDriver(cli: cli, olt: olt)
        let error = await #expect(throws: OLTDriverError.self) {
            try await zte.provision(Self.spec(name: String(repeating: "F", count: 33)))
        }
        #expect(error?.message.contains("longer than 32") == true)
        let huawei = HuaweiCLIDriver(cli: cli, olt: olt)
        let error64 = await #expect(throws: OLTDriverError.self) {
            try await huawei.provision(Self.spec(name: String(repeating: "F", count: 65)))
        }
        #expect(error64?.message.contains("longer than 64") == true)
        #expect(cli.sent.isEmpty)
    }

    @Test func outOfRangeIdsAndPortsAreRefused() async throws {
        let cli = ScriptedCLI { _, _ in CLIOutput(text: "", prompt: "X#") }
        let olt = ManagementAddress("192.0.2.1")!
        let huawei = HuaweiCLIDriver(cli: cli, olt: olt)
        let zte = ZTECLIDriver(cli: cli, olt: olt)
        await #expect(throws: OLTDriverError.self) { try await huawei.remove(pon: Self.pon, onuID: 128) }
        await #expect(throws: OLTDriverError.self) { try await zte.remove(pon: Self.pon, onuID: 0) }
        await #expect(throws: OLTDriverError.self) { try await huawei.runState(pon: Self.pon, onuID: -1) }
        await #expect(throws: OLTDriverError.self) {
            try await zte.listONUs(pon: PONAddress(frame: 0, slot: 40, port: 1))
        }
        #expect(cli.sent.isEmpty)
    }

    @Test func aSessionRefusesControlCharactersItself() {
        #expect(!ScriptedCLI.Session.isSendable("display ont info 0 1 1 0\nquit"))
        #expect(!ScriptedCLI.Session.isSendable("a\u{1B}b"))
        #expect(ScriptedCLI.Session.isSendable("ont add 1 sn-auth 48575443A1B2C3D4 omci desc \"FT-1\""))
    }
}
