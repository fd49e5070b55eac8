import CLIModel
import Synchronization

/// A CLI connector for driver tests: answers commands from a closure and records every line a
/// driver sent, so a test can show that nothing was sent at all.
final class ScriptedCLI: CLIConnector, Sendable {
    typealias Answer = @Sendable (_ line: String, _ session: Int) throws -> CLIOutput

    let target = "telnet 192.0.2.1:23"
    let answer: Answer
    let log = Mutex<[String]>([])
    let sessions = Mutex(0)

    init(answer: @escaping Answer) { self.answer = answer }

    /// Every line sent, in order.
    var sent: [String] { log.withLock { $0 } }

    func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        let number = sessions.withLock {
            $0 += 1
            return $0
        }
        return try await body(Session(owner: self, number: number))
    }

    func shutdown() async {}

    final class Session: CLISession {
        let owner: ScriptedCLI
        let number: Int
        init(owner: ScriptedCLI, number: Int) {
            self.owner = owner
            self.number = number
        }
        var target: String { owner.target }
        func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
            guard Self.isSendable(line) else {
                throw CLIError(.invalidLine, target: target, message: "refused to send a line with a control character")
            }
            owner.log.withLock { $0.append(line) }
            return try owner.answer(line, number)
        }
        func close() async {}
    }
}
