import CLIModel
import FTTHCore
import FTTHDrivers
import FTTHEngine
import FTTHMetrics
import FTTHSQLite
import Foundation
import OLTSim
import Synchronization

/// A Huawei OLT of olt-sim (PON 0/1/0, splitter SP-A with the test ONT on port 3) and a store
/// holding the project that describes it; the engine drives the OLT over its CLI in process.
final class EngineRig: Sendable {
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
        P1,Garden Court,HW-1,10.20.0.1,huawei-ma5600t,0/1/0,1001,SP-A,1:8,
        """
    static let testONT = ONUSerial("HWTC7E570001")!
    static let range = CVLANRange(name: "test", first: VLANID(3000)!, last: VLANID(3009)!)

    let directory: URL
    let store: SQLiteStore
    let simClock = ManualSimClock()
    let clock: SimLinkedClock
    let simulator: OLTSimulator
    let drivers: Drivers

    /// The provider of drivers the engine uses; `failuresLeft` makes the first sessions fail.
    final class Drivers: OLTDriverProvider {
        let simulator: OLTSimulator
        let lineProfile: String
        let failures = FailureBudget()

        init(simulator: OLTSimulator, lineProfile: String) {
            self.simulator = simulator
            self.lineProfile = lineProfile
        }

        func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
            guard let sim = simulator.olt(olt) else {
                throw OLTDriverError(.invalidInput, olt: "\(olt)", message: "no [[olt]] configured for \(olt)")
            }
            let local = LocalCLIConnector(olt: sim, setup: HuaweiCLIDriver.sessionSetup)
            return HuaweiCLIDriver(cli: FlakyConnector(inner: local, failures: failures), olt: olt, attempts: 1)
        }

        func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
            (lineProfile, "ftth-test")
        }
    }

    /// `ontFaults` are olt-sim's faults on the test ONT's path (a dirty connector, a bend).
    init(lineProfile: String = "ftth-test", testONTPort: Int = 3, ontFaults: [PathFault] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        clock = SimLinkedClock(sim: simClock)
        let splitter = SimSplitter(
            name: "SP-A", ratio: SplitRatio(outputs: 8)!, fibreKm: 2,
            onts: [SimONT(port: testONTPort, serial: Self.testONT, faults: ontFaults)])
        let olt = SimOLT(
            name: "HW-1", address: ManagementAddress("10.20.0.1")!, dialect: .huaweiMA5600T,
            pons: [SimPON(address: PONAddress("0/1/0")!, oltTxDBm: 3, splitters: [splitter])])
        simulator = OLTSimulator(
            configuration: SimConfiguration(olts: [olt], registrationSeconds: 20), clock: simClock)
        drivers = Drivers(simulator: simulator, lineProfile: lineProfile)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func imported() async throws -> EngineRig {
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv",
            at: Date(timeIntervalSince1970: 1_790_000_000), progress: nil)
        return self
    }

    /// An engine on the rig's store and OLT; `metrics` and `oltMetrics` measure it into a test's
    /// own registry (the OLT's commands through ``MeteredOLTDriverProvider``).
    func engine(
        maxAttempts: Int = 3, clock: (any Clock<Duration>)? = nil, activation: ActivationPolicy = ActivationPolicy(),
        metrics: EngineMetrics = EngineMetrics(), oltMetrics: OLTMetrics? = nil
    ) -> AcceptanceEngine {
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [Self.range], onlineTimeout: .seconds(120), pollInterval: .seconds(5),
            maxAttempts: maxAttempts)
        configuration.activation = activation
        return AcceptanceEngine(
            store: store, drivers: oltMetrics.map { MeteredOLTDriverProvider(drivers, metrics: $0) } ?? drivers,
            configuration: configuration, clock: clock ?? self.clock,
            now: { Date(timeIntervalSince1970: 1_790_000_000) }, metrics: metrics)
    }

    var olt: SimulatedOLT { simulator.olts[0] }
    static let pon = PONAddress("0/1/0")!
    static func port(_ n: Int) -> PortKey { PortKey(projectCode: "P1", splitter: "SP-A", port: n) }
}

/// How many sessions are still to fail.
final class FailureBudget: Sendable {
    let left = Mutex(0)

    func set(_ n: Int) { left.withLock { $0 = n } }

    /// Whether this session fails (and one fewer will).
    func take() -> Bool {
        left.withLock { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
    }
}

/// Fails the first sessions as a refused connection would, then passes to the real connector.
struct FlakyConnector: CLIConnector {
    let inner: LocalCLIConnector
    let failures: FailureBudget

    var target: String { inner.target }

    func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        if failures.take() { throw CLIError(.connectFailed, target: target, message: "connection refused") }
        return try await inner.withSession(body)
    }

    func shutdown() async {}
}

/// A clock whose sleeps end only when the task is cancelled: the engine waits "forever", as
/// it would for a slow ONU, until the daemon is told to stop.
struct StoppedClock: Clock {
    var now: ContinuousClock.Instant { ContinuousClock.now }
    var minimumResolution: Duration { .milliseconds(1) }

    func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
        let (never, _) = AsyncStream<Never>.makeStream()
        for await _ in never {}
        throw CancellationError()
    }
}

/// The rig's drivers, except that provisioning is refused the way a real OLT may refuse an ONU
/// password: naming it in its error and in the command line it echoes.
struct EchoingRefusalDrivers: OLTDriverProvider {
    let inner: EngineRig.Drivers

    func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        EchoingRefusal(inner: try inner.driver(for: olt, dialect: dialect))
    }

    func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
        inner.provisioningProfiles(for: olt)
    }

    struct EchoingRefusal: OLTDriver {
        let inner: any OLTDriver
        var description: String { inner.description }

        func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
            try await inner.readOptics(pon: pon, onuIDs: onuIDs)
        }

        func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
            try await inner.runState(pon: pon, onuID: onuID)
        }

        func listONUs(pon: PONAddress) async throws -> [ONUEntry] { try await inner.listONUs(pon: pon) }

        func provision(_ spec: TestONUSpec) async throws -> Int {
            let password = spec.password ?? ""
            throw OLTDriverError(
                .rejected, olt: description,
                message: "the OLT refused `ont add 0 password-auth \(password) always-on omci`",
                deviceText: "Failure: The password \(password) is invalid")
        }

        func remove(pon: PONAddress, onuID: Int) async throws { try await inner.remove(pon: pon, onuID: onuID) }
    }
}
