import FTTHCore
import FTTHDrivers
import FTTHEngine
import FTTHSQLite
import Foundation
import Logging
import OLTSim

/// A city of olt-sim's generator (``SimCity``) tested port by port through the real acceptance
/// engine (CLI drivers on the simulator in process, a SQLite store, a simulated clock), as its
/// crews would: each carries its one test ONT from port to port. Then every port and splitter is
/// diagnosed, beside the place olt-sim put the fault. For diagnosis-bench and the end-to-end test.
public struct CityRun: Sendable {
    /// A port's true place and what the diagnosis said.
    public struct PortOutcome: Sendable {
        public var port: PortKey
        public var truth: Diagnosis.Place
        public var diagnosis: Diagnosis?
    }

    /// A splitter whose every port shares one cause in front of its outputs, and its summary.
    public struct SplitterOutcome: Sendable {
        public var splitter: SplitterKey
        public var truth: Diagnosis.Place
        public var summary: SplitterDiagnosis?
    }

    public var ports: [PortOutcome] = []
    public var splitters: [SplitterOutcome] = []

    /// The place a crew should be sent to for a fault olt-sim put at `place`.
    public static func expected(_ place: SimFaultPlace) -> Diagnosis.Place {
        switch place {
        case .oltPort, .feeder: .oltOrFeeder
        case .splitterInput: .splitter
        case .splitterPort, .drop: .portOrDrop
        case .ontConnector: .testONT
        }
    }

    /// Tests every port of `city` and diagnoses it; `design` false imports the project without
    /// the design columns, so the prediction rests on the OLT's ranging.
    public static func run(
        _ city: SimCity, design: Bool = true, figures: LossFigures = .standard
    ) async throws -> CityRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("city-run-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        let simClock = ManualSimClock()
        let clock = SimLinkedClock(sim: simClock)
        let simulator = OLTSimulator(configuration: city.configuration, clock: simClock)
        let csv = design ? city.projectCSV : withoutDesign(city.projectCSV)
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: csv, file: "city-\(city.truth.seed).csv"), namingRule: .standard,
            source: "city \(city.truth.seed)", at: Date(), progress: nil)
        var rows: [String: ActivationListRow] = [:]
        for code in try await store.projects().map(\.project.code) {
            for row in try await store.activationList(projectCode: code) {
                rows[Self.place(row.olt, row.pon, row.key.splitter, row.key.port)] = row
            }
        }
        let configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [CVLANRange(name: "city", first: VLANID(3000)!, last: VLANID(3999)!)],
            onlineTimeout: .seconds(60), pollInterval: .seconds(5), maxAttempts: 1)
        var logger = Logger(label: "ftth.engine")
        logger.logLevel = .warning
        let engine = AcceptanceEngine(
            store: store, drivers: SimDrivers(simulator: simulator), configuration: configuration, clock: clock,
            logger: logger)

        var ontOfSplitter: [String: String] = [:]
        for crew in city.truth.crews {
            guard let address = ManagementAddress(crew.olt), let olt = simulator.olt(address),
                let serial = ONUSerial(crew.ontSerial)
            else { throw CityRunError("the crew of \(crew.olt) with ONT \(crew.ontSerial) is not in the city") }
            for ref in crew.splitters {
                guard let pon = PONAddress(ref.pon) else { throw CityRunError("PON \(ref.pon) of the truth") }
                ontOfSplitter[Self.place(address, pon, ref.splitter, 0)] = crew.ontSerial
                let count = rows.values.filter {
                    $0.olt == address && $0.pon == pon && $0.key.splitter == ref.splitter
                }.count
                for port in 1...max(1, count) {
                    guard olt.plug(serial, pon: pon, splitter: ref.splitter, port: port),
                        let row = rows[Self.place(address, pon, ref.splitter, port)]
                    else {
                        throw CityRunError("\(ref.splitter) port \(port) on \(address) \(pon) is not in the project")
                    }
                    let begun = try await engine.begin(row.key, serial: serial, profile: "build", by: "city-run")
                    let ended = await engine.execute(begun)
                    guard ended.step == .finished else {
                        throw CityRunError(
                            "the test of \(row.key) ended \(ended.step.rawValue): \(ended.outcome ?? "")")
                    }
                }
            }
        }

        var outcome = CityRun()
        var truths: [SplitterKey: [Diagnosis.Place]] = [:]
        var linksByOLT: [ManagementAddress: ODNLinks] = [:]
        for row in rows.values.sorted(by: { ($0.key.splitter, $0.key.port) < ($1.key.splitter, $1.key.port) }) {
            var truth = Diagnosis.Place.none
            for f in city.truth.faults where f.olt == row.olt.description {
                let here = f.pon == row.pon.description
                let onSplitter = here && f.splitter == row.key.splitter
                switch f.place {
                case .oltPort, .feeder: if here { truth = .oltOrFeeder }
                case .splitterInput: if onSplitter { truth = .splitter }
                case .splitterPort, .drop: if onSplitter && f.port == row.key.port { truth = .portOrDrop }
                case .ontConnector:
                    if f.ontSerial == ontOfSplitter[Self.place(row.olt, row.pon, row.key.splitter, 0)] {
                        truth = .testONT
                    }
                }
            }
            if linksByOLT[row.olt] == nil {
                linksByOLT[row.olt] = try await store.odnLinks(olt: row.olt, figures: figures)
            }
            outcome.ports.append(
                PortOutcome(port: row.key, truth: truth, diagnosis: linksByOLT[row.olt]?.diagnose(row.key)))
            truths[SplitterKey(projectCode: row.key.projectCode, name: row.key.splitter), default: []].append(truth)
        }
        for (splitter, list) in truths.sorted(by: { $0.key < $1.key }) {
            guard let first = list.first, first != .none, first != .portOrDrop, list.allSatisfy({ $0 == first })
            else { continue }
            let summary = linksByOLT.values.lazy.compactMap { $0.summary(splitter) }.first
            outcome.splitters.append(SplitterOutcome(splitter: splitter, truth: first, summary: summary))
        }
        return outcome
    }

    static func place(_ olt: ManagementAddress, _ pon: PONAddress, _ splitter: String, _ port: Int) -> String {
        "\(olt)|\(pon)|\(splitter)|\(port)"
    }

    /// A project export without the design columns' values.
    public static func withoutDesign(_ csv: String) -> String {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return csv }
        let designColumns: Set<String> = ["feeder_km", "drop_m", "upstream_ratios", "connectors", "splices"]
        let keep = header.indices.filter { !designColumns.contains(header[$0]) }
        return lines.map { line in
            guard !line.isEmpty else { return line }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return keep.map { $0 < cells.count ? cells[$0] : "" }.joined(separator: ",")
        }.joined(separator: "\n")
    }
}

/// Why a city could not be run.
public struct CityRunError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Drives each OLT of the simulator over its CLI, in process.
final class SimDrivers: OLTDriverProvider {
    let simulator: OLTSimulator

    init(simulator: OLTSimulator) { self.simulator = simulator }

    func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        guard let sim = simulator.olt(olt) else {
            throw OLTDriverError(.invalidInput, olt: "\(olt)", message: "no [[olt]] configured for \(olt)")
        }
        if dialect.isHuawei {
            return HuaweiCLIDriver(
                cli: LocalCLIConnector(olt: sim, setup: HuaweiCLIDriver.sessionSetup), olt: olt, dialect: dialect,
                attempts: 1)
        }
        return ZTECLIDriver(
            cli: LocalCLIConnector(olt: sim, setup: ZTECLIDriver.sessionSetup), olt: olt, dialect: dialect,
            attempts: 1)
    }

    func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
        ("ftth-test", "ftth-test")
    }
}
