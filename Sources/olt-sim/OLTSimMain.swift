import ArgumentParser

/// `olt-sim`: serves a simulated city (the default subcommand), or one CLI session on standard
/// input and output (`cli-stdio`).
@main
struct OLTSimMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "olt-sim",
        abstract: OLTSimCommand.configuration.abstract,
        discussion: OLTSimCommand.configuration.discussion,
        subcommands: [OLTSimCommand.self, CLIStdioCommand.self],
        defaultSubcommand: OLTSimCommand.self)
}
