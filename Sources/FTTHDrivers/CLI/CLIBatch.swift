import CLIModel
import FTTHCore
import Foundation
import Synchronization

/// One batch of commands on one CLI session, as a driver runs them: tells an OLT's refusal from
/// its output, keeps the OLT's own words, and maps session failures to ``OLTDriverError``.
/// Used by one task at a time, inside ``CLIConnector/withSession(_:)``.
final class CLIBatch {
    /// How a dialect marks a refused command.
    struct Refusals: Sendable {
        /// Trimmed lines starting with one of these are a refusal.
        var prefixes: [String]
    }

    let session: any CLISession
    let olt: String
    let timeout: Duration
    let refusals: Refusals
    /// The prompt after the last command: tells the mode the session is in.
    private(set) var prompt = ""

    init(session: any CLISession, olt: String, timeout: Duration, refusals: Refusals) {
        self.session = session
        self.olt = olt
        self.timeout = timeout
        self.refusals = refusals
    }

    /// The result of a command the OLT may refuse.
    struct Reply {
        var text: String
        /// The refusal line(s) as the OLT printed them, nil when it did not refuse.
        var refusal: String?
    }

    /// Runs a command and returns its output and any refusal.
    func attempt(_ line: String) async throws -> Reply {
        // A session failure stays a CLIError (the session names the command), so the connector
        // knows the session is broken and discards it; ``CLIConnector/withRetry(olt:attempts:_:)``
        // turns it into an OLTDriverError.
        let output = try await session.run(line, timeout: timeout)
        prompt = output.prompt
        return Reply(text: output.text, refusal: refusal(in: output.text))
    }

    /// Runs a command the OLT must accept; a refusal throws `rejected` with the OLT's text.
    @discardableResult
    func run(_ line: String) async throws -> String {
        let reply = try await attempt(line)
        if let refusal = reply.refusal {
            throw OLTDriverError(.rejected, olt: olt, message: "the OLT refused `\(line)`", deviceText: refusal)
        }
        return reply.text
    }

    func refusal(in text: String) -> String? {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.firstIndex(where: { line in refusals.prefixes.contains { line.hasPrefix($0) } })
        else { return nil }
        // The refusal and what the OLT added after it, without the caret line under the command.
        return lines[first...].filter { !$0.isEmpty && $0 != "^" }.joined(separator: " ")
    }

    /// A session failure in a driver's words: unreachable for what a new session may fix.
    static func mapped(_ error: CLIError, olt: String) -> OLTDriverError {
        var error = error
        // Partial output of blanks tells the reader nothing.
        if error.deviceText?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { error.deviceText = nil }
        switch error.code {
        case .connectFailed:
            return OLTDriverError(
                .unreachable, olt: olt,
                message: "cannot connect (\(error.message)); check the OLT's address, port and that its CLI is enabled")
        case .timeout:
            return OLTDriverError(
                .unreachable, olt: olt, message: "no prompt in time (\(error.message))",
                deviceText: error.deviceText)
        case .disconnected:
            return OLTDriverError(
                .unreachable, olt: olt, message: "the OLT closed the session (\(error.message))",
                deviceText: error.deviceText)
        case .sessionLimit:
            return OLTDriverError(
                .unreachable, olt: olt,
                message: "no CLI session free (\(error.message)); other users or tools may hold the OLT's sessions",
                deviceText: error.deviceText)
        case .authenticationFailed:
            return OLTDriverError(
                .authenticationFailed, olt: olt, message: "login refused (\(error.message))",
                deviceText: error.deviceText)
        case .hostKeyRejected:
            return OLTDriverError(.authenticationFailed, olt: olt, message: error.message, deviceText: error.deviceText)
        case .invalidLine:
            return OLTDriverError(.invalidInput, olt: olt, message: error.message)
        case .protocolError:
            return OLTDriverError(
                .unexpectedResponse, olt: olt, message: error.message, deviceText: error.deviceText)
        }
    }
}

extension CLIConnector {
    /// Runs `body` on a session, once more on a new session when the first failed in a way a
    /// new session may fix (dropped, timed out). Bodies must be safe to repeat: the drivers'
    /// steps look before they change anything.
    func withRetry<T: Sendable>(
        olt: String, attempts: Int, _ body: (any CLISession) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withSession(body)
            } catch let error as CLIError {
                let mapped = CLIBatch.mapped(error, olt: olt)
                guard mapped.isTransient, attempt < attempts else { throw mapped }
            } catch let error as OLTDriverError {
                guard error.isTransient, attempt < attempts else { throw error }
            }
            attempt += 1
        }
    }
}

extension CLIBatch {
    /// Leaves configuration modes (a prompt with `(…)`) with `exit` until the prompt is the
    /// privileged one again, so the next batch on this session starts where it expects.
    func leaveConfiguration(with exit: String) async throws {
        var steps = 0
        while prompt.contains("("), steps < 4 {
            _ = try await attempt(exit)
            steps += 1
        }
    }
}

/// Whether a provisioning step made something on the OLT, so a failure after it can undo it,
/// and which ONU ids it reserved (``ONUIDReservations``), so that they are released at its end.
final class ProvisioningRecord: Sendable {
    private let created = Mutex<Int?>(nil)
    private let reservations = Mutex<Set<Int>>([])

    /// Ids reserved by this provisioning (one per attempt).
    var reservedIDs: Set<Int> {
        get { reservations.withLock { $0 } }
        set { reservations.withLock { $0 = newValue } }
    }

    /// The id of the ONU this provisioning added, nil while it added none.
    var createdONU: Int? {
        get { created.withLock { $0 } }
        set { created.withLock { $0 = newValue } }
    }
}
