import CLIModel
import FTTHCore
import FTTHDrivers
import Synchronization
import Testing

/// What a driver does when the OLT refuses a step half-way: the ONT it added is deleted again,
/// and the error keeps the OLT's words.
@Suite struct CLIDriverRollbackTests {
    /// A Huawei OLT that accepts `ont add` but refuses the service-port's VLAN.
    static func huaweiRefusingServicePorts() -> ScriptedCLI {
        let mode = Mutex("MA5600T#")
        return ScriptedCLI { line, _ in
            func reply(_ text: String, _ prompt: String? = nil) -> CLIOutput {
                if let prompt { mode.withLock { $0 = prompt } }
                return CLIOutput(text: text, prompt: mode.withLock { $0 })
            }
            switch line {
            case "config": return reply("", "MA5600T(config)#")
            case "interface gpon 0/1": return reply("", "MA5600T(config-if-gpon-0/1)#")
            case "quit":
                let next = mode.withLock { $0 }.contains("-if-") ? "MA5600T(config)#" : "MA5600T#"
                return reply("", next)
            case let l where l.hasPrefix("display ont info summary"):
                return reply("  Failure: The ONT does not exist\n")
            case let l where l.hasPrefix("ont add 1 sn-auth 48575443A1B2C3D4"):
                return reply("  Number of ONTs that can be added: 1, success: 1\n  PortID :1, ONTID :3\n")
            case let l where l.hasPrefix("display service-port"):
                return reply("  Failure: No service virtual port can be operated\n")
            case let l where l.hasPrefix("service-port vlan"):
                return reply("  Failure: The VLAN does not exist\n")
            case "ont delete 1 3": return reply("  Number of ONTs that can be deleted: 1, success: 1\n")
            default: return reply("  % Unknown command, the error locates at '^'\n")
            }
        }
    }

    @Test func aRefusedServicePortRemovesTheONTThatWasAdded() async throws {
        let cli = Self.huaweiRefusingServicePorts()
        let driver = HuaweiCLIDriver(cli: cli, olt: ManagementAddress("192.0.2.1")!)
        let spec = TestONUSpec(
            pon: PONAddress(frame: 0, slot: 1, port: 1), name: "FT-TEST", serial: ONUSerial("HWTCA1B2C3D4"),
            svlan: VLANID(999)!, cvlan: VLANID(2001)!, lineProfile: "ftth-test", serviceProfile: "ftth-test")
        let error = await #expect(throws: OLTDriverError.self) { _ = try await driver.provision(spec) }
        #expect(error?.code == .rejected)
        #expect(error?.deviceText == "Failure: The VLAN does not exist")
        #expect(error?.message.contains("service-port vlan 999 gpon 0/1/1 ont 3") == true)
        #expect(cli.sent.last == "quit")
        #expect(cli.sent.contains("ont delete 1 3"))
        // The undo ran on a session of its own, after the refused one was left in privileged mode.
        #expect(cli.sessions.withLock { $0 } == 2)
    }

    @Test func sessionFailuresBecomeUnreachableAndAreRetriedOnANewSession() async throws {
        let failures = Mutex(0)
        let cli = ScriptedCLI { line, session in
            if session == 1 {
                failures.withLock { $0 += 1 }
                throw CLIError(.disconnected, target: "telnet 192.0.2.1:23", message: "connection reset")
            }
            switch line {
            case let l where l.hasPrefix("show gpon onu state"):
                return CLIOutput(text: "gpon-onu_1/2/1:1  enable  enable  operation  working\n", prompt: "ZXAN#")
            default: return CLIOutput(text: "", prompt: "ZXAN#")
            }
        }
        let driver = ZTECLIDriver(cli: cli, olt: ManagementAddress("192.0.2.1")!)
        #expect(try await driver.runState(pon: PONAddress(frame: 1, slot: 2, port: 1), onuID: 1) == .online)
        #expect(failures.withLock { $0 } == 1)

        let dead = ScriptedCLI { _, _ in
            throw CLIError(.disconnected, target: "telnet 192.0.2.1:23", message: "connection reset")
        }
        let once = ZTECLIDriver(cli: dead, olt: ManagementAddress("192.0.2.1")!, attempts: 1)
        let error = await #expect(throws: OLTDriverError.self) {
            _ = try await once.runState(pon: PONAddress(frame: 1, slot: 2, port: 1), onuID: 1)
        }
        #expect(error?.code == .unreachable)
        #expect(error?.isTransient == true)
        #expect(error?.message.contains("closed the session (connection reset)") == true)
        #expect(dead.sessions.withLock { $0 } == 1)
    }
}
