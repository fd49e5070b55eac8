import Foundation
import Testing

/// One olt-sim and one ftth-acceptd driving it over Telnet, with two projects imported and a
/// crew and an admin token: what the daemon-command tests share. Starting the pair costs seconds,
/// so a suite starts it once (``DaemonRigTrait``) and its tests use ``DaemonRig/current``.
/// `@unchecked Sendable`: every stored property is a `let` set before the suite's tests run (the
/// `Process` objects inside are only asked to terminate in `stop()`, after the last test), and the
/// one mutable value lives in the ``Memo`` actor.
final class DaemonRig: @unchecked Sendable {
    @TaskLocal static var current: DaemonRig?

    /// The project whose one port passes: its splitter has a Chinese name, to exercise encoding.
    static let passProject = "P-CTL-PASS"
    static let passSplitter = "花园苑1号楼分光器"
    static let passSerial = "HWTC7E570001"
    /// The project whose one port fails: a 9 dB dirty connector in front of the test ONT.
    static let failProject = "P-CTL-FAIL"
    static let failSplitter = "SP-FAULT"
    static let failSerial = "HWTC7E570002"
    /// The project that needs the service test (plan 100 Mbit/s); its port's line passes.
    static let serviceProject = "P-CTL-SVC"
    static let serviceSplitter = "SP-SVC"
    static let serviceSerial = "HWTC7E570003"

    // Registration takes 2 s, so a test waits for its ONU through at least two of the daemon's
    // polls and ftthctl (polling every 100 ms) sees that step even on a loaded machine.
    static let simConfiguration = """
        registration_seconds = 2

        [[olt]]
        name = "HW-OLT-Test"
        address = "10.20.0.1"
        dialect = "huawei-ma5800"
        line_profiles = ["ftth-test"]
        service_profiles = ["ftth-test"]
        [olt.snmp]
        port = 0
        [olt.cli]
        telnet_port = 0
        username = "admin"
        password = "olt-secret"

        [[olt.pon]]
        port = "0/1/0"
        olt_tx_dbm = 3.0
        [[olt.pon.splitter]]
        name = "\(passSplitter)"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 2.0
        [[olt.pon.splitter.ont]]
        port = 1
        serial = "\(passSerial)"

        [[olt.pon]]
        port = "0/1/1"
        olt_tx_dbm = 3.0
        [[olt.pon.splitter]]
        name = "\(failSplitter)"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 2.0
        [[olt.pon.splitter.ont]]
        port = 1
        serial = "\(failSerial)"
        faults = ["dirty-connector:9"]

        [[olt.pon]]
        port = "0/1/2"
        olt_tx_dbm = 3.0
        [[olt.pon.splitter]]
        name = "\(serviceSplitter)"
        ratio = "1:8"
        first_level_ratio = "1:4"
        fibre_km = 2.0
        [[olt.pon.splitter.ont]]
        port = 1
        serial = "\(serviceSerial)"
        """

    static let projectsCSV = """
        project_code,project_name,acceptance_required,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,service_test,plan_mbps
        \(passProject),Garden test,yes,HW-OLT-Test,10.20.0.1,huawei-ma5800,0/1/0,1001,\(passSplitter),1:8,1,,
        \(failProject),Fault test,yes,HW-OLT-Test,10.20.0.1,huawei-ma5800,0/1/1,1002,\(failSplitter),1:8,1,,
        \(serviceProject),Service test,yes,HW-OLT-Test,10.20.0.1,huawei-ma5800,0/1/2,1003,\(serviceSplitter),1:8,1,yes,100

        """

    let cli: FTTHCtlRunner
    let sim: OLTSimProcess
    let daemon: AcceptdProcess
    let crewToken: String
    let adminToken: String
    /// A field probe's token (role `probe`), made by `ftthctl token create --role probe`.
    let probeToken: String
    /// The first `test start` of the passing port, run once for every test that needs a tested port.
    let passedRun = Memo()

    actor Memo {
        var result: FTTHCtlRunner.Result?

        func get(_ make: () throws -> FTTHCtlRunner.Result) rethrows -> FTTHCtlRunner.Result {
            if let result { return result }
            let made = try make()
            result = made
            return made
        }
    }

    private init(
        cli: FTTHCtlRunner, sim: OLTSimProcess, daemon: AcceptdProcess, crewToken: String, adminToken: String,
        probeToken: String
    ) {
        self.probeToken = probeToken
        self.cli = cli
        self.sim = sim
        self.daemon = daemon
        self.crewToken = crewToken
        self.adminToken = adminToken
    }

    static func start() throws -> DaemonRig {
        let cli = try FTTHCtlRunner()
        let store = cli.path("store.sqlite")
        try cli.write("projects.csv", projectsCSV)
        let imported = try cli.run("import", "projects", cli.path("projects.csv"), "--store", store)
        guard imported.status == 0 else { throw RigError("import failed: \(imported.stderr)") }
        func token(_ name: String, _ role: String) throws -> String {
            let made = try cli.run("token", "create", "--name", name, "--role", role, "--store", store)
            guard made.status == 0 else { throw RigError("token create failed: \(made.stderr)") }
            return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let crew = try token("crew-test", "crew")
        let admin = try token("admin-test", "admin")
        let probe = try token("probe-test", "probe")
        try cli.write("accounts.csv", "username,password\nsvc-user-1,svc-secret-1\n")
        let accounts = try cli.run("import", "accounts", cli.path("accounts.csv"), "--store", store)
        guard accounts.status == 0 else { throw RigError("import accounts failed: \(accounts.stderr)") }

        try cli.write("olt-sim.toml", simConfiguration)
        let sim = try OLTSimProcess.start(cli, ["--config", cli.path("olt-sim.toml")])
        func field(_ key: String) -> String? {
            sim.cliLines.first?.split(separator: " ").first { $0.hasPrefix(key + "=") }.map {
                String($0.dropFirst(key.count + 1))
            }
        }
        guard let telnet = field("telnet") else {
            sim.stop()
            throw RigError("olt-sim gave no Telnet port: \(sim.banner) \(sim.portLines)")
        }
        let configuration = """
            [store]
            path = "\(store)"

            [[cvlan_ranges]]
            name = "test"
            first = 3000
            last = 3009

            [[olt]]
            address = "10.20.0.1"
            transport = "telnet"
            host = "127.0.0.1"
            port = \(telnet)
            username = "admin"
            password_env = "FTTH_TEST_OLT_PASSWORD"

            [engine]
            online_timeout_s = 30
            poll_s = 1
            max_attempts = 2
            backoff_s = 1
            max_backoff_s = 1

            [scheduler]
            tick_s = 0
            """
        let daemon: AcceptdProcess
        do {
            daemon = try AcceptdProcess.start(
                cli, configuration: configuration, environment: ["FTTH_TEST_OLT_PASSWORD": "olt-secret"])
        } catch {
            sim.stop()
            throw error
        }
        return DaemonRig(
            cli: cli, sim: sim, daemon: daemon, crewToken: crew, adminToken: admin, probeToken: probe)
    }

    func stop() {
        daemon.stop()
        sim.stop()
        cli.remove()
    }

    /// Runs ftthctl against the daemon with `token` in FTTH_TOKEN (nil: none at all).
    func ctl(_ arguments: String..., token: String?) throws -> FTTHCtlRunner.Result {
        try cli.run(arguments + ["--server", daemon.url], environment: ["FTTH_TOKEN": token ?? ""])
    }

    /// `test start` of the passing port, once per suite.
    func passingTest() async throws -> FTTHCtlRunner.Result {
        try await passedRun.get {
            try ctl(
                "test", "start", "--project", Self.passProject, "--splitter", Self.passSplitter, "--port", "1",
                "--serial", Self.passSerial, "--poll-ms", "100", token: crewToken)
        }
    }

    /// What to show when an expectation fails: the daemon's log tail.
    var logTail: String { String(daemon.log.suffix(3000)) }
}

/// Starts a ``DaemonRig`` around a whole suite and stops it after the suite's last test.
struct DaemonRigTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let rig = try DaemonRig.start()
        defer { rig.stop() }
        try await DaemonRig.$current.withValue(rig) { try await function() }
    }
}

extension Trait where Self == DaemonRigTrait {
    /// One olt-sim and one ftth-acceptd for the suite.
    static var daemonRig: Self { Self() }
}
