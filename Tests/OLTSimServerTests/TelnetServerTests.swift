import CLIModel
import FTTHCore
import Foundation
import OLTSim
import OLTSimServer
import Testing

extension CLIServerTests {
    @Suite("Telnet")
    struct TelnetServerTests {
        @Test func negotiatesEchoesAndLogsIn() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await c.read(until: ">>User name:")
                let opening =
                    Telnet.negotiation(Telnet.WILL, Telnet.Option.echo)
                    + Telnet.negotiation(Telnet.WILL, Telnet.Option.suppressGoAhead)
                    + Telnet.negotiation(Telnet.DO, Telnet.Option.windowSize)
                #expect(Array(c.received.prefix(9)) == opening)
                // A client's answers to the negotiation are read and ignored.
                try await c.send(
                    bytes: Telnet.negotiation(Telnet.DO, Telnet.Option.echo) + Telnet.windowSize(columns: 80, rows: 24))
                try await c.send("admin\r\n")
                let echoed = try await c.read(until: ">>User password:")
                #expect(echoed.hasPrefix("admin\r\n"))
                try await c.send("admin\r\n")
                let afterPassword = try await c.read(until: "MA5600T>")
                #expect(!afterPassword.contains("admin"), "the password must not be echoed")
                try await c.send("enable\r\n")
                #expect(try await c.read(until: "MA5600T#") == "enable\r\nMA5600T#")
                try await c.send("scroll 512\r\n")
                try await c.read(until: "MA5600T#")
                // CR NUL, a bare LF and CR LF all end a line.
                try await c.send("config\r\0")
                try await c.read(until: "MA5600T(config)#")
                try await c.send("interface gpon 0/1\n")
                try await c.read(until: "MA5600T(config-if-gpon-0/1)#")
                try await c.send("quit\r\nquit\r\n")
                try await c.read(until: "MA5600T(config)#")
                try await c.read(until: "MA5600T#")
                // Backspace takes back the last character.
                try await c.send("displax\u{7F}y port state 0/1/0\r\n")
                #expect(try await c.read(until: "MA5600T#").contains("TX power(dBm)"))
                try await c.send("quit\r\n")
                _ = try await c.readToEnd()
            }
        }

        @Test func wrongPasswordsAreRefusedThreeTimesThenTheConnectionCloses() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            for (port, huawei) in [(rig.huaweiTelnet, true), (rig.zteTelnet, false)] {
                try await RawTCPConnection.with(port: port) { c in
                    for _ in 0..<3 {
                        try await c.read(until: huawei ? "User name:" : "Username:")
                        try await c.send("admin\r\n")
                        try await c.read(until: huawei ? "User password:" : "Password:")
                        try await c.send("wrong\r\n")
                        try await c.read(
                            until: huawei ? "Username or password invalid." : "%Error 20200: Bad password or user name")
                    }
                    let rest = try await c.readToEnd()
                    #expect(!rest.contains("Username:") && !rest.contains("User name:"))
                }
            }
        }

        @Test func huaweiPagerWaitsForAKeyAndErasesItsPrompt() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await CLIServerRig.login(&c)
                try await c.send("enable\r\ndisplay ont info summary 0/1/0\r\n")
                try await c.read(until: "{ <cr>||<K> }:")
                try await c.send("\r\n")
                let first = try await c.read(until: "---- More ( Press 'Q' to break ) ----")
                #expect(first.components(separatedBy: "\r\n").count == 12, "10 lines, then the pager: \(first)")
                try await c.send(" ")
                let erase = "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D"
                let rest = try await c.read(until: "MA5600T#")
                #expect(rest.hasPrefix(erase))
                #expect(rest.contains("customer-1"))
                // Q stops the listing at the first page.
                try await c.send("display ont info summary 0/1/0\r\n")
                try await c.read(until: "{ <cr>||<K> }:")
                try await c.send("\r\n")
                try await c.read(until: "---- More ( Press 'Q' to break ) ----")
                try await c.send("q")
                #expect(try await c.read(until: "MA5600T#") == erase + "MA5600T#")
                // scroll 512 makes the page longer than the output.
                try await c.send("scroll 512\r\ndisplay ont info summary 0/1/0\r\n")
                try await c.read(until: "{ <cr>||<K> }:")
                try await c.send("\r\n")
                #expect(!(try await c.read(until: "MA5600T#")).contains("More"))
            }
        }

        @Test func zteTerminalLengthZeroTurnsThePagerOff() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            let olt = rig.simulator.olts[1]
            for id in 2...30 {
                try olt.configure(
                    pon: PONAddress("1/2/1")!, id: id, serial: ONUSerial(String(format: "ZTEG%08X", id + 100)),
                    name: "n\(id)", lineProfile: "ftth-test", serviceProfile: "ftth-test")
            }
            try await RawTCPConnection.with(port: rig.zteTelnet) { c in
                try await CLIServerRig.login(&c, huawei: false)
                try await c.send("show gpon onu state gpon-olt_1/2/1\r\n")
                try await c.read(until: "--More--")
                try await c.send(" ")
                #expect(try await c.read(until: "ZXAN#").contains("ONU Number: 30/30"))
                try await c.send("terminal length 0\r\nshow gpon onu state gpon-olt_1/2/1\r\n")
                try await c.read(until: "ZXAN#")
                #expect(!(try await c.read(until: "ZXAN#")).contains("--More--"))
                try await c.send("exit\r\n")
                _ = try await c.readToEnd()
            }
        }

        @Test func sessionsBeyondTheCapAreRefused() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { first in
                try await CLIServerRig.login(&first)
                try await RawTCPConnection.with(port: rig.huaweiTelnet) { second in
                    try await second.read(until: "User name:")
                    try await RawTCPConnection.with(port: rig.huaweiTelnet) { third in
                        let said = try await third.readToEnd()
                        #expect(said.contains("Reenter times have reached the upper limit."))
                        #expect(!said.contains("User name:"))
                    }
                }
            }
        }

        @Test func countsSessionsAndCommandsByKind() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { first in
                try await CLIServerRig.login(&first)
                for (line, prompt) in [
                    ("enable", "MA5600T#"), ("config", "MA5600T(config)#"), ("interface gpon 0/1", "gpon-0/1)#"),
                    ("quit", "MA5600T(config)#"), ("", "MA5600T(config)#"),
                ] {
                    try await first.send(line + "\r\n")
                    try await first.read(until: prompt)
                }
                try await RawTCPConnection.with(port: rig.huaweiTelnet) { second in
                    try await second.read(until: "User name:")
                    try await RawTCPConnection.with(port: rig.huaweiTelnet) { third in _ = try await third.readToEnd() }
                }
            }
            let counts = rig.servers.statistics(olt: 0)
            #expect(counts.sessionsOpened == 2)
            #expect(counts.sessionsRefused == 1)
            #expect(counts.peakSessions == 2)
            // Login lines and empty lines are not commands.
            #expect(counts.commands == ["enable": 1, "config": 1, "interface gpon": 1, "quit": 1])
            #expect(counts.totalCommands == 4)
            #expect(rig.servers.statistics(olt: 1) == SimCLIStatistics())
        }

        @Test(arguments: [
            ("display ont info 0 1 0 5", "display ont info"),
            ("display ont info summary 0/1/0", "display ont info summary"),
            ("ont add 0 sn-auth 48575443A1B2C3D4 omci desc \"x\"", "ont add"),
            ("show pon power attenuation gpon-onu_1/2/1:5", "show pon power attenuation"),
            ("onu 5 type ftth-test sn ZTEG00000001", "onu"),
            ("quit", "quit"),
        ])
        func commandKindsLeaveOutArguments(line: String, kind: String) {
            #expect(SimCLIStatistics.kind(of: line) == kind)
        }

        @Test func latencyDelaysEveryAnswer() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            rig.servers.setLatency(milliseconds: 300, olt: 0)
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await CLIServerRig.login(&c)
                let start = ContinuousClock.now
                try await c.send("enable\r\n")
                try await c.read(until: "MA5600T#")
                #expect(ContinuousClock.now - start >= .milliseconds(300))
            }
        }

        @Test func dropOnACommandClosesBeforeItRunsAndOnlyOnce() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            rig.servers.setFaults([SimCLIFault(commandPrefix: "service-port", action: .drop(afterBytes: 0))], olt: 0)
            let command =
                "service-port vlan 100 gpon 0/1/0 ont 0 gemport 1 multi-service user-vlan 201 tag-transform translate"
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await CLIServerRig.login(&c)
                try await c.send("enable\r\nconfig\r\n")
                try await c.read(until: "(config)#")
                try await c.send(command + "\r\n")
                let rest = try await c.readToEnd()
                #expect(rest == command + "\r\n", "nothing after the echo: \(rest.debugDescription)")
            }
            #expect(rig.simulator.olts[0].servicePorts().isEmpty)
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await CLIServerRig.login(&c)
                try await c.send("enable\r\nconfig\r\n")
                try await c.read(until: "(config)#")
                try await c.send(command + "\r\n")
                try await c.read(until: "(config)#")
            }
            #expect(rig.simulator.olts[0].servicePorts().count == 1)
        }

        @Test func dropAfterBytesCutsTheOutputThere() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            rig.servers.setFaults([SimCLIFault(commandPrefix: "display", action: .drop(afterBytes: 50))], olt: 0)
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { c in
                try await CLIServerRig.login(&c)
                try await c.send("enable\r\n")
                try await c.read(until: "MA5600T#")
                try await c.send("display port state 0/1/0\r\n")
                try await c.read(until: "display port state 0/1/0\r\n")
                let rest = try await c.readToEnd()
                #expect(rest.utf8.count == 50)
            }
        }

        @Test func hangKeepsTheConnectionOpenWithoutAnAnswer() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            rig.servers.setFaults([SimCLIFault(commandPrefix: "display", action: .hang)], olt: 0)
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { hung in
                try await CLIServerRig.login(&hung)
                try await hung.send("enable\r\ndisplay port state 0/1/0\r\n")
                try await hung.read(until: "display port state 0/1/0\r\n")
                // Another session works meanwhile, and sees the hung one still open.
                try await RawTCPConnection.with(port: rig.huaweiTelnet) { other in
                    try await CLIServerRig.login(&other)
                    try await other.send("enable\r\nscroll 512\r\ndisplay port state 0/1/0\r\n")
                    try await other.read(until: "MA5600T#")
                    try await other.read(until: "MA5600T#")
                    #expect(try await other.read(until: "MA5600T#").contains("TX power(dBm)"))
                    #expect(rig.servers.openSessions(olt: 0) == 2)
                }
                try await hung.send("enable\r\n")
                hung.finish()
                #expect(try await hung.readToEnd() == "")
            }
        }

        @Test func pythonTelnetlibLogsInAndReadsTheSummary() async throws {
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            let script = """
                import sys, warnings
                warnings.simplefilter("ignore")
                import telnetlib
                t = telnetlib.Telnet("127.0.0.1", \(rig.huaweiTelnet), timeout=30)
                t.read_until(b"User name:")
                t.write(b"admin\\r\\n")
                t.read_until(b"User password:")
                t.write(b"admin\\r\\n")
                t.read_until(b"MA5600T>")
                t.write(b"enable\\r\\n")
                t.read_until(b"MA5600T#")
                t.write(b"display ont info summary 0/1/0\\r\\n")
                t.read_until(b"}:")
                t.write(b"\\r\\n")
                out = t.read_until(b"---- More ( Press 'Q' to break ) ----")
                t.write(b" ")
                out += t.read_until(b"MA5600T#")
                t.write(b"quit\\r\\n")
                sys.stdout.write(out.decode())
                """
            let (status, output) = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script])
            #expect(status == 0, "python3 telnetlib failed: \(output)")
            #expect(output.contains("In port 0/1/0, the total of ONTs are: 1, online: 1"))
            #expect(output.contains("customer-1"))
        }
    }
}
