import CLIModel
import FTTHCore
import Foundation

/// What the Huawei and ZTE CLI drivers share: the connector, the OLT, the limits, and running
/// a batch of commands that starts and ends in privileged mode.
struct CLIDriverCore: Sendable {
    let cli: any CLIConnector
    let olt: ManagementAddress
    let dialect: VendorDialect
    let commandTimeout: Duration
    let attempts: Int
    let clock: @Sendable () -> Date
    /// `huawei-cli`, `zte-cli`: for the description.
    let driverName: String
    let refusals: CLIBatch.Refusals
    /// The command that leaves one configuration level (Huawei `quit`, ZTE `end` leaves all).
    let exitCommand: String

    init(
        cli: any CLIConnector, olt: ManagementAddress, dialect: VendorDialect, commandTimeout: Duration,
        attempts: Int, clock: @escaping @Sendable () -> Date, driverName: String, refusals: CLIBatch.Refusals,
        exitCommand: String
    ) {
        precondition(attempts >= 1, "attempts must be at least 1")
        self.cli = cli
        self.olt = olt
        self.dialect = dialect
        self.commandTimeout = commandTimeout
        self.attempts = attempts
        self.clock = clock
        self.driverName = driverName
        self.refusals = refusals
        self.exitCommand = exitCommand
    }

    var description: String { "\(olt) (\(driverName) \(cli.target))" }

    var check: CLIArgument { CLIArgument(olt: description) }

    /// Runs `body` as one batch in privileged mode and returns there afterwards; retried on a
    /// new session when the session failed (see ``CLIConnector/withRetry(olt:attempts:_:)``).
    func batch<T: Sendable>(_ body: (CLIBatch) async throws -> T) async throws -> T {
        try await cli.withRetry(olt: description, attempts: attempts) { session in
            let batch = CLIBatch(session: session, olt: description, timeout: commandTimeout, refusals: refusals)
            let result: T
            do {
                result = try await body(batch)
            } catch let error as OLTDriverError where !error.isTransient {
                // The session is sound: leave it where the next batch expects it.
                try? await batch.leaveConfiguration(with: exitCommand)
                throw error
            }
            try await batch.leaveConfiguration(with: exitCommand)
            return result
        }
    }
}
