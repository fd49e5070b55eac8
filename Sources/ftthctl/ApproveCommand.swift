import ArgumentParser
import FTTHWire
import Foundation

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a project whose ports all passed (needs an admin token).",
        discussion: """
            The daemon then removes the test ONUs and pushes the ports to account opening.
            Exit status: 0 approved; 2 the daemon refused (token, role, project state); 3 no daemon answered.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Project code.")
    var project: String

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            let (state, _) = try await client.send(
                "POST", ["v1", "projects", project, "approve"], as: ProjectStateResponse.self,
                action: "approving project \(project)")
            print("project \(state.code) approved: state \(state.state)")
        }
    }
}

struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Send a project back to the builder for rework, with the reason (needs an admin token).",
        discussion: "Exit status: 0 sent back; 2 the daemon refused (token, role, project state); 3 no daemon answered."
    )

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Project code.")
    var project: String
    @Option(name: .long, help: "What the builder has to rework, such as \"SP02 ports 3-5: clean the connectors\".")
    var reason: String

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError(
                "--reason must say what the builder has to rework, such as --reason \"SP02 port 3: clean the connector\""
            )
        }
    }

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            let (state, _) = try await client.send(
                "POST", ["v1", "projects", project, "send-back"], json: SendBackRequest(reason: reason),
                as: ProjectStateResponse.self,
                action: "sending project \(project) back")
            print("project \(state.code) sent back for rework: state \(state.state)")
        }
    }
}
