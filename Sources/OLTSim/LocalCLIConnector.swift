import CLIModel
import FTTHCore
import Synchronization

/// Sessions on a simulated OLT's command line without a network: each session a fresh shell of
/// the OLT's dialect, as a Telnet or SSH session would get. Interjected `{ … }:` prompts are
/// answered with Enter the way the real session engine does. For fast driver tests; the
/// conformance suite runs the drivers over real Telnet and SSH as well.
public final class LocalCLIConnector: CLIConnector {
    let olt: SimulatedOLT
    let setup: [String]
    let opened = Mutex(0)

    /// Sessions on `olt`; `setup` runs once at the start of each session, as the pool does.
    public init(olt: SimulatedOLT, setup: [String]) {
        self.olt = olt
        self.setup = setup
    }

    public var target: String { "local \(olt.config.address)" }

    /// How many sessions were opened so far.
    public var sessionsOpened: Int { opened.withLock { $0 } }

    public func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        opened.withLock { $0 += 1 }
        let session = LocalCLISession(shell: olt.makeShell(), target: target)
        for line in setup { _ = try await session.run(line, timeout: .seconds(1)) }
        return try await body(session)
    }

    public func shutdown() async {}
}

/// One in-process session: the shell's replies, interjections answered.
actor LocalCLISession: CLISession {
    let shell: any SimCLIShell
    nonisolated let target: String

    init(shell: sending any SimCLIShell, target: String) {
        self.shell = shell
        self.target = target
    }

    func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
        guard Self.isSendable(line) else {
            throw CLIError(.invalidLine, target: target, message: "refused to send a line with a control character")
        }
        var reply = shell.execute(line)
        var text = reply.output
        var answers = 0
        while reply.prompt.hasSuffix("}:"), answers < 4 {
            reply = shell.execute("")
            text += reply.output
            answers += 1
        }
        return CLIOutput(text: text, prompt: reply.prompt)
    }

    func close() async {}
}
