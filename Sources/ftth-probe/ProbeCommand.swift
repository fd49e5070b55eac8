import ArgumentParser
import Foundation

@main
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftth-probe",
        abstract: "The field probe of the FTTH acceptance test: PPPoE in user space through the test ONT.",
        discussion: """
            `dial` dials PPPoE on an interface with a test account and reports each phase's time and \
            the outcome. The probe needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN.

            Exit status: 0 pass, 1 the dial or the session failed, 2 bad usage.
            """,
        subcommands: [DialCommand.self, RunCommand.self]
    )

    /// Exit status of a command line the probe cannot act on (a missing password file too).
    static let usageExitCode: Int32 = 2

    /// Parses and runs like ArgumentParser's own entry point, except that bad usage exits 2
    /// (ArgumentParser's default is 64), as the probe's contract with its callers says.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == .failure {
                exit(withError: error)
            }
            // Help requests exit 0 above; everything else ArgumentParser rejects is usage.
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(code == .validationFailure ? usageExitCode : code.rawValue)
        }
    }
}
