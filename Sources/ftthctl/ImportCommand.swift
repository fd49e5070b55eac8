import ArgumentParser
import FTTHCore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV export of the resource system. A file with any error imports nothing.",
        discussion: "Column layouts: docs/import.md.",
        subcommands: [ImportProjects.self, ImportCVLANs.self, ImportAccounts.self]
    )
}

struct ImportProjects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "Import projects with their OLTs, PON ports and splitters (one row per splitter).")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(
        help:
            "CSV file: project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio[,acceptance_required,splitter_ports]"
    )
    var file: String
    @Flag(name: .long, help: "Print progress to standard error while writing.")
    var progress = false

    func run() async throws {
        let (configuration, store) = try await storeOptions.open()
        let plan = try ProjectImportPlan(csv: try readInput(file), file: file, limits: configuration.importLimits)
        let showProgress = progress
        if showProgress {
            FileHandle.standardError.write(
                line: "validated \(file): \(plan.splitters.count) splitters, \(plan.portCount) ports; writing")
        }
        // One project per transaction, as the daemon imports: a running daemon keeps serving.
        let summary = try await store.importProjectsByProject(
            plan, namingRule: configuration.namingRule, source: file, at: Date(), policy: configuration.activation,
            afterEach: { progress in
                if showProgress {
                    FileHandle.standardError.write(
                        line:
                            "written \(progress.projects) of \(progress.totalProjects) projects, \(progress.ports) of \(progress.totalPorts) ports"
                    )
                }
            })
        if summary.onuPasswords > 0 {
            print(
                "\(summary.onuPasswords) port(s) on password-authenticating OLTs got a test ONU password: `ftthctl ports` shows them"
            )
        }
        print(
            "imported \(file): \(summary.projects) project(s), \(summary.olts) new OLT(s), \(summary.ponPorts) new PON port(s), \(summary.splitters) splitter(s), \(summary.ports) port(s)"
        )
    }
}

struct ImportCVLANs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvlans", abstract: "Import test CVLAN ranges (name,olt_ip,first,last; olt_ip empty = any OLT).")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "CSV file with columns name,olt_ip,first,last.")
    var file: String

    func run() async throws {
        let input = try CVLANRangeImport(csv: try readInput(file), file: file)
        let (_, store) = try await storeOptions.open()
        let n = try await store.importCVLANRanges(input, source: file, at: Date())
        print("imported \(file): \(n) CVLAN range(s)")
    }
}

struct ImportAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Import PPPoE test accounts (username,password) into the pool.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "CSV file with columns username,password.")
    var file: String

    func run() async throws {
        let input = try TestAccountImport(csv: try readInput(file), file: file)
        let (_, store) = try await storeOptions.open()
        let n = try await store.importTestAccounts(input, source: file, at: Date())
        print("imported \(file): \(n) test account(s)")
    }
}
