import CLIModel
import NIOPosix
import Testing

@testable import FTTHCLI

/// Telnet against an in-test NIO server playing a Huawei OLT: negotiation, commands, and the
/// faults a real OLT shows (dropped connection, hung command, refused login, closed port).
struct TelnetSessionTests {
    static func target(port: Int, password: String = "secret", maxSessions: Int = 2) -> CLITarget {
        CLITarget(
            host: "127.0.0.1", port: port, transport: .telnet, username: "admin", password: password,
            loginTimeout: .seconds(30), commandTimeout: .seconds(30), maxSessions: maxSessions)
    }

    @Test func logsInAndRunsCommands() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        #expect(session.loginPrompt == "MA5600T>")
        let version = try await session.run("display version", timeout: .seconds(30))
        #expect(version == CLIOutput(text: "  VERSION : MA5600V800R018C10\n  PATCH   : SPC200", prompt: "MA5600T>"))
        let long = try await session.run("display long", timeout: .seconds(30))
        #expect(long.text == FakeOLT.longRows.joined(separator: "\n"))
        let summary = try await session.run("display ont info summary 0/1/0", timeout: .seconds(30))
        #expect(summary.text.contains("  0    online  2024-05-01"))
        #expect(!summary.text.contains("{"))
        await session.close()
    }

    @Test func negotiatesWindowSizeAndTerminalType() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        _ = try await session.run("display version", timeout: .seconds(30))
        await session.close()
        let events = server.events
        #expect(events.contains(.negotiation(verb: Telnet.DO, option: Telnet.Option.echo)))
        #expect(events.contains(.negotiation(verb: Telnet.DO, option: Telnet.Option.suppressGoAhead)))
        #expect(events.contains(.negotiation(verb: Telnet.WILL, option: Telnet.Option.windowSize)))
        #expect(events.contains(.subnegotiation(option: Telnet.Option.windowSize, payload: [0, 200, 2, 0])))
        #expect(
            events.contains(
                .subnegotiation(option: Telnet.Option.terminalType, payload: [Telnet.ttypeIS] + Array("VT100".utf8))))
        // Each option answered once: no negotiation loop.
        #expect(events.filter { $0 == .negotiation(verb: Telnet.DO, option: Telnet.Option.echo) }.count == 1)
    }

    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: server.port, password: "wrong"), style: .huawei)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.deviceText == "Username or password invalid.")
        #expect(error?.target == "telnet 127.0.0.1:\(server.port)")
    }

    @Test func droppedConnectionMidCommandIsDisconnectedWithPartialOutput() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        let error = await #expect(throws: CLIError.self) { try await session.run("drop", timeout: .seconds(30)) }
        #expect(error?.code == .disconnected)
        #expect(error?.deviceText == "  half a ro")
        let after = await #expect(throws: CLIError.self) {
            try await session.run("display version", timeout: .seconds(30))
        }
        #expect(after?.code == .disconnected)
    }

    @Test func noPromptIsATimeoutAndClosesTheSession() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        // The fake OLT never answers `hang`: the time limit is what ends the command. It is long
        // enough for the partial line to arrive on a loaded machine.
        let error = await #expect(throws: CLIError.self) { try await session.run("hang", timeout: .seconds(2)) }
        #expect(error?.code == .timeout)
        #expect(error?.deviceText == "  half a ro")
        let after = await #expect(throws: CLIError.self) {
            try await session.run("display version", timeout: .seconds(30))
        }
        #expect(after?.code == .disconnected)
    }

    @Test func loginWithoutAPromptIsATimeout() async throws {
        // An OLT whose prompt the style does not know: login never finishes.
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        var target = Self.target(port: server.port)
        // Long enough for the login's round trips to reach the prompt on a loaded machine.
        target.loginTimeout = .seconds(2)
        let unknownPrompt = CLITerminalStyle(
            usernamePrompts: ["User name:"], passwordPrompts: ["User password:"], loginFailures: [],
            pagerPrompts: [], answersInterjections: false, promptTerminators: ["$"])
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(target, style: unknownPrompt)
        }
        #expect(error?.code == .timeout)
        #expect(error?.deviceText?.contains("MA5600T>") == true)
    }

    @Test func refusedPortIsConnectFailed() async throws {
        let closed = ClosedPort()
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: closed.port), style: .huawei)
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.message.contains("Telnet") == true)
        withExtendedLifetime(closed) {}
    }

    @Test func lineWithControlCharacterIsRefusedBeforeSending() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        let error = await #expect(throws: CLIError.self) {
            try await session.run("display version\r\nreboot", timeout: .seconds(30))
        }
        #expect(error?.code == .invalidLine)
        // Nothing was sent: the session still works.
        let version = try await session.run("display version", timeout: .seconds(30))
        #expect(version.prompt == "MA5600T>")
        await session.close()
    }

    @Test func concurrentCommandsOnOneSessionRunInOrder() async throws {
        let server = try await FakeTelnetServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(Self.target(port: server.port), style: .huawei)
        async let first = session.run("display version", timeout: .seconds(30))
        async let second = session.run("display long", timeout: .seconds(30))
        let (a, b) = try await (first, second)
        #expect(a.text.contains("VERSION"))
        #expect(b.text.hasPrefix("  row 1\n"))
        await session.close()
    }
}
