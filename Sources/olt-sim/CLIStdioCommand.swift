import ArgumentParser
import FTTHCore
import Foundation
import OLTSim
import OLTSimServer

/// `olt-sim cli-stdio`: one logged-in CLI session of a simulated OLT on standard input and output,
/// for OpenSSH's sshd to run as a `ForceCommand` (the SSH client's tests against a real server).
struct CLIStdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli-stdio",
        abstract: "One CLI session of a simulated OLT on standard input and output, already logged in.",
        discussion: """
            For sshd's ForceCommand: `ForceCommand olt-sim cli-stdio --dialect huawei`. With --config, \
            the OLT named by --olt (default: the first with that dialect) of that city; otherwise a \
            synthetic OLT with --onus-per-olt ONUs. A terminal on standard input is put in raw mode, \
            since the simulated shell echoes and edits lines itself, as an OLT does. Ends at `quit` \
            or when the input ends.
            """)

    @Option(name: .long, help: "huawei, huawei-ma5800, zte or zte-c600.")
    var dialect = "huawei"
    @Option(name: .long, help: "Configuration file (TOML), such as config/olt-sim.toml.")
    var config: String?
    @Option(name: .long, help: "With --config: the OLT's name.")
    var olt: String?
    @Option(name: .customLong("onus-per-olt"), help: "Without --config: registered ONUs of the synthetic OLT.")
    var onusPerOLT = 16

    func validate() throws {
        guard VendorDialect(name: dialect) != nil else {
            throw ValidationError("--dialect must be huawei, huawei-ma5800, zte or zte-c600, not \"\(dialect)\"")
        }
        if olt != nil && config == nil { throw ValidationError("--olt names an OLT of --config FILE: add --config") }
    }

    func run() async throws {
        let wanted = VendorDialect(name: dialect)!
        let configuration =
            if let config {
                try SimConfiguration(contentsOfFile: config)
            } else {
                SimConfiguration.synthetic(olts: 1, onusPerOLT: onusPerOLT, dialects: [wanted])
            }
        let simulator = OLTSimulator(configuration: configuration)
        let chosen =
            if let olt {
                simulator.olts.first { $0.config.name == olt }
            } else {
                simulator.olts.first { $0.config.dialect == wanted }
            }
        guard let chosen else {
            throw ValidationError(
                "olt-sim cli-stdio: no OLT \(olt.map { "named \($0)" } ?? "of dialect \(dialect)") in \(config ?? "-")")
        }
        if isatty(0) != 0 {
            var mode = termios()
            tcgetattr(0, &mode)
            cfmakeraw(&mode)
            tcsetattr(0, TCSANOW, &mode)
        }
        try await SimCLIStdio.run(olt: chosen, input: dup(0), output: dup(1))
    }
}
