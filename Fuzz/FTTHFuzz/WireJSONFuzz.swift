import FTTHCore
import FTTHWire
import Foundation

@testable import FTTHAPI

/// The API's JSON request bodies: each ``FTTHWire`` request type decoded the one way the routes
/// decode bodies (``RequestBody``, ``WireJSON``), a failure turned into the route's ``APIError``,
/// and what decoded put through the checks the routes make before they touch the store. The
/// first byte picks the type (modulo the number of ``types``); the rest is the body.
enum WireJSONFuzz {
    static let target = FuzzTarget(
        name: "json", summary: "API request bodies (FTTHWire via WireJSON) and the routes' checks", run: run,
        seeds: seeds)

    static let types: [String] = [
        "project-create", "project-update", "test-start", "send-back", "thresholds", "result", "progress",
    ]

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let body = Data(bytes.dropFirst())
        do {
            switch Int(mode) % types.count {
            case 0: projectCreate(try RequestBody.decode(ProjectCreateRequest.self, from: body, example: "{}"))
            case 1:
                let update = try RequestBody.decode(ProjectUpdateRequest.self, from: body, example: "{}")
                if let name = update.name { _ = try? TextFieldRule.name.validated(name) }
            case 2: _ = try RequestBody.decode(TestStartRequest.self, from: body, example: "{}")
            case 3:
                let sendBack = try RequestBody.decode(SendBackRequest.self, from: body, example: "{}")
                _ = try? TextFieldRule.reason.validated(sendBack.reason)
            case 4: thresholds(try RequestBody.decode(ThresholdUpdateRequest.self, from: body, example: "{}"))
            case 5:
                let result = try RequestBody.decode(ServiceMeasurementWire.self, from: body, example: "{}")
                _ = ServiceRule.judge(result.measurement, planMbps: 300, minFraction: 0.8)
            default:
                let progress = try RequestBody.decode(ServiceProgressWire.self, from: body, example: "{}")
                _ = ServiceProgress.Stage(rawValue: progress.stage).map {
                    ServiceProgress(
                        stage: $0, phases: progress.phases.phases, ip: progress.ip, downMbps: progress.downMbps)
                }
            }
        } catch let error as APIError {
            _ = error.status
        } catch {
            // RequestBody maps DecodingError to APIError; anything else would reach the client as a 500.
            fatalError("decoding a body threw \(type(of: error)), not APIError: \(error)")
        }
    }

    /// `POST /v1/projects`: the body as the rows of a project export, checked by the import's rules.
    static func projectCreate(_ request: ProjectCreateRequest) {
        do {
            _ = try ProjectImportPlan(table: request.table)
        } catch let problems as CSVProblems {
            for problem in problems.problems { _ = ProjectCreateRequest.field(of: problem.location) }
        } catch {
            fatalError("ProjectImportPlan threw \(type(of: error)), not CSVProblems: \(error)")
        }
    }

    /// `PUT /v1/thresholds/{name}`: the settings applied to a profile that must still make sense.
    static func thresholds(_ request: ThresholdUpdateRequest) {
        var profile = ThresholdProfile.build
        for setting in request.settings { profile.apply(setting) }
        if let problem = profile.validationProblems().first { _ = APIError(problem) }
    }

    /// One body of each type; the project bodies are the projects of the sample export (a CSV
    /// fixture given on the command line).
    static func seeds(_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for path in fixtures {
            guard let text = FuzzCommand.read(path).flatMap({ String(validating: $0, as: UTF8.self) }),
                let table = try? CSVTable(
                    text: text, file: path, required: ProjectImportPlan.requiredColumns,
                    optional: ProjectImportPlan.optionalColumns)
            else { continue }
            var projects: [String: ProjectCreateRequest] = [:]
            for row in table.rows {
                let f = row.fields
                let code = f["project_code"] ?? ""
                let splitter = ProjectCreateRequest.Splitter(
                    oltName: f["olt_name"], oltIP: f["olt_ip"], oltDialect: f["olt_dialect"], pon: f["pon"],
                    svlan: f["svlan"].flatMap { Int($0) }, name: f["splitter_name"], ratio: f["splitter_ratio"],
                    ports: f["splitter_ports"].flatMap { Int($0) }, planMbps: f["plan_mbps"].flatMap { Double($0) })
                projects[code, default: ProjectCreateRequest(code: code, name: f["project_name"], splitters: [])]
                    .splitters.append(splitter)
            }
            for (code, project) in projects.sorted(by: { $0.key < $1.key }) {
                guard let json = try? WireJSON.encoder().encode(project) else { continue }
                seeds.append(("json-project-create-\(code)", [0] + Array(json)))
            }
        }
        let bodies = [
            (1, #"{"name": "Garden Court phase 2", "acceptance_required": true}"#),
            (2, #"{"serial": "HWTC1A2B3C4D", "profile": "build"}"#),
            (3, #"{"reason": "port 3 reads -29 dBm: clean the connector and test again"}"#),
            (4, #"{"min_onu_rx_dbm": -21.5, "max_olt_rx_dbm": null, "binding": {"min_onu_rx_dbm": true}}"#),
            (
                5,
                #"{"result": "fail", "reason": {"code": "auth_rejected", "message": "PAP refused"}, "phases": {"padi_pado_ms": 3, "total_ms": 40}, "ip": null, "dns": ["192.0.2.53"], "mru": 1492, "mss": 1452, "down_mbps": 290.5, "up_mbps": 48.1, "rtt_ms": 4.2, "server": "198.51.100.7", "measured_at": "2026-12-05T08:00:00Z"}"#
            ),
            (6, #"{"stage": "down_measured", "phases": {"total_ms": 116}, "ip": "100.64.0.7", "down_mbps": 291.4}"#),
        ]
        for (mode, body) in bodies {
            seeds.append(("json-\(types[mode])", [UInt8(mode)] + Array(body.utf8)))
        }
        return seeds
    }
}
