import ArgumentParser

/// `olt-sim`: serves a simulated city (the default subcommand), one CLI session on standard
/// input and output (`cli-stdio`), or writes a random city with known faults (`city`).
@main
struct OLTSimMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "olt-sim",
        abstract: OLTSimCommand.configuration.abstract,
        discussion: OLTSimCommand.configuration.discussion,
        subcommands: [OLTSimCommand.self, CLIStdioCommand.self, CityCommand.self],
        defaultSubcommand: OLTSimCommand.self)
}
