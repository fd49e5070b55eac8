import ArgumentParser
import FTTHCore

struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects", abstract: "List projects with their state and test counts.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        // Page by page, as the API pages GET /v1/projects, so no one query counts every port.
        var projects: [ProjectSummary] = []
        while true {
            let page = try await store.projects(after: projects.last?.project.code, limit: 1000)
            projects += page
            if page.count < 1000 { break }
        }
        if json {
            print(
                JSONOutput.array(
                    projects.map { p in
                        .object([
                            ("code", .string(p.project.code)), ("name", .string(p.project.name)),
                            ("state", .string(p.project.state.rawValue)),
                            ("acceptance_required", .bool(p.project.acceptanceRequired)),
                            ("splitters", .int(p.splitters)), ("ports", .int(p.ports)), ("tested", .int(p.tested)),
                            ("passed", .int(p.passed)), ("failed", .int(p.failed)),
                        ])
                    }
                ).rendered())
            return
        }
        if projects.isEmpty {
            print("no projects yet: import one with `ftthctl import projects FILE.csv`")
            return
        }
        var table = TextTable("CODE", "STATE", "SPLITTERS", "PORTS", "TESTED", "PASSED", "FAILED", "NAME")
        for p in projects {
            table.add([
                p.project.code, p.project.state.rawValue, String(p.splitters), String(p.ports), String(p.tested),
                String(p.passed), String(p.failed), p.project.name,
            ])
        }
        print(table.rendered())
    }
}
