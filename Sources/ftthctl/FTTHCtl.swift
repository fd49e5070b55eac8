import ArgumentParser
import FTTHConfig
import FTTHCore
import FTTHPostgres
import FTTHSQLite
import Foundation

@main
struct FTTHCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftthctl",
        abstract: "Command line of the FTTH acceptance-testing daemon, for crews and administrators.",
        discussion: """
            import, projects, ports, thresholds and token work on the store named in the configuration \
            (default config/ftth-acceptd.toml, store var/ftth-acceptd.sqlite). `evaluate` needs no store: \
            it judges readings from a CSV.

            test, results, approve, reject and report talk to the running daemon: --server or \
            FTTH_SERVER (default \(DaemonOptions.defaultServer)), and a token in FTTH_TOKEN or in a file \
            given with --token-file (`ftthctl token create` makes one).
            """,
        subcommands: [
            ImportCommand.self, ProjectsCommand.self, PortsCommand.self, ThresholdsCommand.self,
            EvaluateCommand.self, OLTCommand.self, TokenCommand.self, AccountCommand.self, TestCommand.self,
            ResultsCommand.self,
            ApproveCommand.self, RejectCommand.self, ReportCommand.self,
        ]
    )
}

/// Options every command that reads the configuration shares.
struct ConfigOptions: ParsableArguments {
    static let defaultPath = "config/ftth-acceptd.toml"

    @Option(
        name: .long,
        help: "Configuration file (default: \(ConfigOptions.defaultPath) when it exists, else the built-in defaults).")
    var config: String?

    /// The configuration: the named file, the default file when present, or the built-in defaults.
    func load() throws -> AcceptdConfiguration {
        if let config { return try AcceptdConfiguration(contentsOfFile: config) }
        if FileManager.default.fileExists(atPath: Self.defaultPath) {
            return try AcceptdConfiguration(contentsOfFile: Self.defaultPath)
        }
        return AcceptdConfiguration()
    }
}

/// Options of the commands that open the store.
struct StoreOptions: ParsableArguments {
    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: "SQLite store file; overrides store.path (and kind) of the configuration.")
    var store: String?

    /// The store the configuration names (`[store] kind`), or the SQLite file `--store` gives. A
    /// PostgreSQL store is brought to the current schema first, as the daemon does; its
    /// connections last as long as the command.
    func open() async throws -> (AcceptdConfiguration, any CtlStore) {
        let configuration = try configOptions.load()
        let environment = ProcessInfo.processInfo.environment
        if store == nil, configuration.store.kind == .postgres {
            let settings = try PostgresStoreSettings(
                url: configuration.store.url ?? "",
                password: try configuration.store.password(environment: environment),
                maximumConnections: 2)
            let postgres = PostgresStore(
                settings: settings,
                key: try StoreKey.resolveShared(keyFile: configuration.store.keyFile, environment: environment))
            // The pool runs until the command exits.
            Task { await postgres.run() }
            try await postgres.migrate()
            return (configuration, postgres)
        }
        let path = store ?? configuration.store.path
        let key = try StoreKey.resolve(keyFile: configuration.store.keyFile, environment: environment, storePath: path)
        return (configuration, try SQLiteStore(path: path, key: key))
    }
}

/// What ftthctl's commands ask of a store: both stores are.
typealias CtlStore = AcceptanceStore & TokenStore & ThresholdStore & WebAccountStore

/// Reads a whole input file, or explains which file could not be read.
func readInput(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path): check the path and that the file is readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw ValidationError("\(path) is not UTF-8 text: export the CSV as UTF-8 (in a spreadsheet: CSV UTF-8)")
    }
    return text
}

extension FileHandle {
    func write(line: String) { write(Data((line + "\n").utf8)) }
}
