import FTTHCore
import FTTHPostgres
import FTTHSQLite
import Foundation
import Hummingbird
import Logging
import ProcessLab

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A lab on loopback, as an operator runs it: `olt-sim` and `ftth-acceptd` as processes (the
/// executables built beside this test bundle), a store prepared with the project and tokens,
/// and a webhook receiver standing in for the account-opening system. Waiting is polling for
/// a condition with a deadline; nothing sleeps a fixed time.
final class Lab: @unchecked Sendable {
    // Set once in `start`, read afterwards from the test's task only.
    let directory: URL
    let storePath: String
    /// The `[store]` table of the daemon's configuration: the SQLite file, or a database of its
    /// own on the tests' PostgreSQL server.
    let storeConfiguration: String
    let storeChoice: StoreChoice
    let crewToken: String
    let adminToken: String
    let probeToken: String
    let receiver: PushReceiver
    var sim: LabProcess?
    var daemon: LabProcess?
    /// Every daemon started, the latest last (a cluster has several).
    var daemons: [LabProcess] = []
    var apiPort = 0
    var huaweiTelnetPort = 0
    var zteTelnetPort = 0
    let session: URLSession

    /// The city: a Huawei MA5800 and a ZTE C300, CLI over Telnet, `latency_ms` per command.
    static func simulatorConfiguration(latencyMilliseconds: Int, registrationSeconds: Double) -> String {
        """
        registration_seconds = \(registrationSeconds)

        [[olt]]
        name = "HW"
        address = "10.77.0.1"
        dialect = "huawei-ma5800"
        [olt.cli]
        telnet_port = 0
        latency_ms = \(latencyMilliseconds)
        max_sessions = 4
        [[olt.pon]]
        port = "0/1/0"
        olt_tx_dbm = 3.2
        [[olt.pon.splitter]]
        name = "HW-SP1"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 3
        test_onts = "HWTC7E57"
        [[olt.pon.splitter.ont]]
        port = 2
        serial = "HWTC7E570102"
        faults = ["dirty-connector:6"]
        [[olt.pon.splitter.ont]]
        port = 8
        serial = "HWTC0000C008"
        onu_id = 0
        name = "customer-8"

        [[olt]]
        name = "ZTE"
        address = "10.77.0.2"
        dialect = "zte-c300"
        [olt.cli]
        telnet_port = 0
        latency_ms = \(latencyMilliseconds)
        max_sessions = 4
        [[olt.pon]]
        port = "1/2/1"
        olt_tx_dbm = 5.0
        [[olt.pon.splitter]]
        name = "花园苑 ZTE-SP1"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 5
        test_onts = "ZTEG7E57"
        """
    }

    /// Two projects: E2E-1 has 4 ports on the Huawei splitter (port 2 dirty), E2E-2 4 ports on
    /// the ZTE one, all clean.
    static let projectCSV = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
        E2E-1,Lab build,HW,10.77.0.1,huawei-ma5800,0/1/0,1001,HW-SP1,1:8,4
        E2E-2,Lab block,ZTE,10.77.0.2,zte-c300,1/2/1,2001,花园苑 ZTE-SP1,1:8,4
        """

    /// The test ONT in `port` of a splitter (olt-sim's `test_onts` rule).
    static func serial(splitter: String, port: Int) -> String {
        splitter == "HW-SP1" ? String(format: "HWTC7E5701%02X", port) : String(format: "ZTEG7E5701%02X", port)
    }

    static let huaweiPorts = (1...4).map { PortKey(projectCode: "E2E-1", splitter: "HW-SP1", port: $0) }
    static let ztePorts = (1...4).map { PortKey(projectCode: "E2E-2", splitter: "花园苑 ZTE-SP1", port: $0) }

    /// Which store the daemon keeps its data in.
    enum StoreChoice: String, CaseIterable, CustomStringConvertible, Sendable {
        case sqlite, postgres
        var description: String { rawValue }
    }

    /// `projectCSV` and `accountsCSV` (PPPoE test accounts) are imported into the lab's store.
    init(
        receiverFailures: Int = 0, projectCSV: String = Lab.projectCSV, accountsCSV: String? = nil,
        store choice: StoreChoice = .sqlite
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        storePath = directory.appendingPathComponent("store.sqlite").path
        let store: any AcceptanceStore & TokenStore
        var pool: Task<Void, Never>?
        storeChoice = choice
        switch choice {
        case .sqlite:
            store = try SQLiteStore(path: storePath)
            storeConfiguration = "[store]\npath = \"\(storePath)\"\n"
        case .postgres:
            let server = try await LabPostgres.shared()
            let database = try server.createDatabase()
            // The key file every daemon of the cluster is given, as an operator makes it.
            let keyFile = directory.appendingPathComponent("store.key").path
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                .write(toFile: keyFile, atomically: true, encoding: .utf8)
            let key = try StoreKey(contentsOfFile: keyFile)
            let passwordFile = directory.appendingPathComponent("store.password").path
            try server.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
            let postgres = PostgresStore(
                settings: PostgresStoreSettings(
                    host: "127.0.0.1", port: server.port, username: server.username, password: server.password,
                    database: database, maximumConnections: 2),
                key: key)
            pool = Task { await postgres.run() }
            try await postgres.migrate()
            store = postgres
            storeConfiguration = """
                [store]
                kind = "postgres"
                url = "postgres://\(server.username)@127.0.0.1:\(server.port)/\(database)"
                password_file = "\(passwordFile)"
                key_file = "\(keyFile)"

                """
        }
        defer { pool?.cancel() }
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: projectCSV, file: "e2e.csv"), namingRule: .standard, source: "e2e.csv",
            at: Date(), progress: nil)
        if let accountsCSV {
            _ = try await store.importTestAccounts(
                try TestAccountImport(csv: accountsCSV, file: "accounts.csv"), source: "accounts.csv", at: Date())
        }
        crewToken = try await store.createToken(name: "crew", role: .crew, at: Date()).secret
        adminToken = try await store.createToken(name: "admin", role: .admin, at: Date()).secret
        probeToken = try await store.createToken(name: "probe", role: .probe, at: Date()).secret
        receiver = try await PushReceiver.start(failFirst: receiverFailures)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 20
        session = URLSession(configuration: configuration)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Starts olt-sim and learns its Telnet ports; `extra` is appended to its configuration (a
    /// `[bras]` table).
    func startSimulator(latencyMilliseconds: Int = 20, registrationSeconds: Double = 1, extra: String = "")
        async throws
    {
        try
            (Self.simulatorConfiguration(
                latencyMilliseconds: latencyMilliseconds, registrationSeconds: registrationSeconds) + "\n" + extra)
            .write(toFile: path("olt-sim.toml"), atomically: true, encoding: .utf8)
        let sim = try LabProcess(
            "olt-sim", path: Self.executable("olt-sim"),
            arguments: ["--config", path("olt-sim.toml"), "--ports-file", path("ports.txt")])
        self.sim = sim
        try await poll("olt-sim to be ready", seconds: 30) {
            guard sim.process.isRunning else { throw LabError("olt-sim exited: \(sim.log)") }
            return sim.log.contains("olt-sim ready")
        }
        let lines = try String(contentsOfFile: path("ports.txt"), encoding: .utf8).split(separator: "\n")
        func telnet(_ olt: String) -> Int {
            lines.first { $0.hasPrefix("cli \(olt) ") }?.split(separator: " ").compactMap { word in
                word.hasPrefix("telnet=") ? Int(word.dropFirst(7)) : nil
            }.first ?? 0
        }
        huaweiTelnetPort = telnet("HW")
        zteTelnetPort = telnet("ZTE")
    }

    /// Writes the daemon's configuration and starts it; returns once the API answers. Port 0:
    /// the kernel picks a free one and the daemon's log names it. `crashAt` names an engine
    /// checkpoint where the daemon kills itself (`FTTH_ACCEPTD_CRASH_AT`). `apiHost` is where the
    /// API listens; `extra` is appended to the configuration (a `[service]` table). On
    /// PostgreSQL `name` is the daemon's `[cluster] name` (kept across its restarts), and
    /// `cluster` adds to that table.
    func startDaemon(
        crashAt: String? = nil, apiHost: String = "127.0.0.1", extra: String = "", name: String = "acceptd",
        cluster: String = "", commandTimeoutSeconds: Int = 10
    ) async throws {
        let clusterTable = storeChoice == .postgres ? "[cluster]\nname = \"\(name)\"\n\(cluster)\n" : ""
        let configuration = """
            [api]
            host = "\(apiHost)"
            port = 0
            \(storeConfiguration)
            [[cvlan_ranges]]
            name = "e2e"
            first = 3000
            last = 3099
            [southbound]
            max_cli_sessions = 3
            command_timeout_s = \(commandTimeoutSeconds)
            [[olt]]
            address = "10.77.0.1"
            transport = "telnet"
            host = "127.0.0.1"
            port = \(huaweiTelnetPort)
            username = "admin"
            password_env = "E2E_OLT_PASSWORD"
            [[olt]]
            address = "10.77.0.2"
            transport = "telnet"
            host = "127.0.0.1"
            port = \(zteTelnetPort)
            username = "admin"
            password_env = "E2E_OLT_PASSWORD"
            [engine]
            online_timeout_s = 10
            poll_s = 1
            max_concurrent_per_olt = 4
            backoff_s = 1
            max_backoff_s = 2
            [scheduler]
            tick_s = 1
            [push]
            url = "http://127.0.0.1:\(receiver.port)/accepted"
            backoff_s = 1
            max_backoff_s = 1
            poll_s = 1
            \(clusterTable)
            \(extra)
            """
        try configuration.write(toFile: path("\(name).toml"), atomically: true, encoding: .utf8)
        let daemon = try LabProcess(
            name, path: Self.executable("ftth-acceptd"), arguments: ["--config", path("\(name).toml")],
            environment: ["E2E_OLT_PASSWORD": "admin"].merging(crashAt.map { ["FTTH_ACCEPTD_CRASH_AT": $0] } ?? [:]) {
                a, _ in a
            })
        self.daemon = daemon
        daemons.append(daemon)
        try await poll("ftth-acceptd to serve its API", seconds: 30) {
            guard daemon.process.isRunning else { throw LabError("ftth-acceptd exited: \(daemon.log)") }
            guard let line = daemon.log.split(separator: "\n").last(where: { $0.contains("serving the API") }),
                let word = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
                let port = Int(word.dropFirst(5))
            else { return false }
            self.apiPort = port
            return true
        }
    }

    /// The executable `name` built beside this test bundle (`FTTH_BIN` names another directory).
    static func executable(_ name: String) -> String {
        if let directory = ProcessInfo.processInfo.environment["FTTH_BIN"] { return directory + "/" + name }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent(name).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Everything the lab started, stopped; the directory removed.
    func stop() async {
        for daemon in daemons { await daemon.stop() }
        await sim?.stop()
        await receiver.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: The API

    struct Reply {
        var status: Int
        var json: [String: Any]
        var text: String
    }

    func call(_ method: String, _ path: String, token: String, body: String? = nil) async throws -> Reply {
        var components = URLComponents()
        components.scheme = "http"
        components.host = "127.0.0.1"
        components.port = apiPort
        components.path = path
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(
            status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: json,
            text: String(decoding: data, as: UTF8.self))
    }

    /// Starts a test of `port` with its test ONT (or the serial given); returns the run id.
    func startTest(_ port: PortKey, serial: String? = nil) async throws -> Int {
        let reply = try await call(
            "POST", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/tests", token: crewToken,
            body: #"{"serial": "\#(serial ?? Self.serial(splitter: port.splitter, port: port.port))"}"#)
        guard reply.status == 202, let id = reply.json["id"] as? Int else {
            throw LabError("starting a test of \(port) answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// The ids of the runs of `port`, oldest first, from its history (`test_started` says
    /// `run N, …`): a start whose answer a crash cut off still has its run.
    func runIDs(_ port: PortKey) async throws -> [Int] {
        let reply = try await call(
            "GET", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/results", token: crewToken)
        let history = reply.json["history"] as? [[String: Any]] ?? []
        return history.filter { $0["event"] as? String == "test_started" }.compactMap { entry in
            (entry["detail"] as? String)?.split(separator: ",").first.flatMap { Int($0.dropFirst(4)) }
        }
    }

    func run(_ id: Int) async throws -> [String: Any] {
        try await call("GET", "/v1/tests/\(id)", token: crewToken).json
    }

    func project(_ code: String) async throws -> [String: Any]? {
        let reply = try await call("GET", "/v1/projects", token: adminToken)
        return (reply.json["projects"] as? [[String: Any]])?.first { $0["code"] as? String == code }
    }

    /// Waits until every run in `ids` has ended; returns them.
    func awaitEnd(_ ids: [Int], seconds: Double = 60) async throws -> [Int: [String: Any]] {
        var ended: [Int: [String: Any]] = [:]
        try await poll("\(ids.count) test(s) to end", seconds: seconds) {
            for id in ids where ended[id] == nil {
                let run = try await self.run(id)
                if run["active"] as? Bool == false { ended[id] = run }
            }
            return ended.count == ids.count
        }
        return ended
    }
}

/// Runs `body` with a lab, and stops everything it started whatever happens.
func withLab(
    receiverFailures: Int = 0, projectCSV: String = Lab.projectCSV, accountsCSV: String? = nil,
    store: Lab.StoreChoice = .sqlite, _ body: (Lab) async throws -> Void
) async throws {
    let lab = try await Lab(
        receiverFailures: receiverFailures, projectCSV: projectCSV, accountsCSV: accountsCSV, store: store)
    do {
        try await body(lab)
    } catch {
        print("--- olt-sim\n\(lab.sim?.log ?? "")")
        for daemon in lab.daemons { print("--- \(daemon.name)\n\(daemon.log)") }
        await lab.stop()
        throw error
    }
    await lab.stop()
}
