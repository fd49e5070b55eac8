import ArgumentParser

struct DialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dial", abstract: "Dial PPPoE.")
}
