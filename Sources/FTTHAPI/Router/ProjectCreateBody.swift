import FTTHCore
import Foundation
import Hummingbird

/// The body of `POST /v1/projects`: one project with its last-level splitters, the fields of a
/// project export (docs/import.md) as JSON, validated by the same rules as the CSV import.
///
///     {"code": "P2026-0500", "name": "Garden Court phase 3", "acceptance_required": true,
///      "splitters": [{"olt_name": "HW-OLT-01", "olt_ip": "10.20.0.1", "olt_dialect": "huawei-ma5800",
///                     "pon": "0/1/0", "svlan": 1001, "name": "GC3-A1-SP01", "ratio": "1:8", "ports": 8}]}
struct ProjectCreateBody: Decodable {
    /// JSON key → export column, for the project and for each splitter.
    static let projectKeys = [
        "code": "project_code", "name": "project_name", "acceptance_required": "acceptance_required",
    ]
    static let splitterKeys = [
        "olt_name": "olt_name", "olt_ip": "olt_ip", "olt_dialect": "olt_dialect", "pon": "pon", "svlan": "svlan",
        "name": "splitter_name", "ratio": "splitter_ratio", "ports": "splitter_ports",
    ]

    var project: [String: JSONValue] = [:]
    /// nil when the key is missing; `.failure` when it is not an array of objects.
    var splitters: Result<[[String: JSONValue]], DecodingError>?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "splitters" {
                do {
                    splitters = .success(try container.decode([[String: JSONValue]].self, forKey: key))
                } catch let error as DecodingError {
                    splitters = .failure(error)
                }
            } else {
                project[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
        }
    }

    /// Reads the body: 400 when it is not a JSON object.
    static func read(_ request: Request, _ context: APIRequestContext) async throws -> ProjectCreateBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(ProjectCreateBody.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest(
                "the body must be a JSON object with code, name and splitters (see GET /v1/openapi.yaml)",
                field: "body")
        }
    }

    /// The rows of a project export this body stands for (row `line` i + 1 is `splitters[i]`),
    /// or every problem of form found on the way, each naming its JSON field.
    func table() -> Result<CSVTable, APIError> {
        var problems: [APIError.Problem] = []
        func problem(_ field: String, _ message: String) {
            problems.append(APIError.Problem(line: nil, column: field, message: message))
        }
        func text(_ value: JSONValue, _ field: String) -> String? {
            switch value {
            case .null: return ""
            case .string(let s): return s
            case .bool(let b): return b ? "yes" : "no"
            case .number(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .other, .object:
                problem(field, "must be a string or a number")
                return nil
            }
        }
        var projectFields: [String: String] = [:]
        for (key, value) in project.sorted(by: { $0.key < $1.key }) {
            guard let column = Self.projectKeys[key] else {
                problem(key, "unknown key; a project has code, name, acceptance_required and splitters")
                continue
            }
            if key == "acceptance_required", case .string = value {
                problem(key, "must be true or false")
                continue
            }
            projectFields[column] = text(value, key)
        }
        var rows: [CSVTable.Row] = []
        switch splitters {
        case nil:
            problem("splitters", "is required: list the project's last-level splitters")
        case .failure:
            problem("splitters", "must be an array of objects, one per last-level splitter")
        case .success(let list) where list.isEmpty:
            problem("splitters", "must list at least one splitter")
        case .success(let list):
            for (i, splitter) in list.enumerated() {
                var fields = projectFields
                for (key, value) in splitter.sorted(by: { $0.key < $1.key }) {
                    guard let column = Self.splitterKeys[key] else {
                        problem(
                            "splitters[\(i)].\(key)",
                            "unknown key; a splitter has \(Self.splitterKeys.keys.sorted().joined(separator: ", "))")
                        continue
                    }
                    fields[column] = text(value, "splitters[\(i)].\(key)")
                }
                rows.append(CSVTable.Row(line: i + 1, fields: fields))
            }
        }
        guard problems.isEmpty else {
            return .failure(
                APIError(
                    .unprocessableContent, code: "request.invalid_value",
                    message: "\(problems.count) problem(s) in the project; nothing was created", problems: problems))
        }
        return .success(CSVTable(file: "body", header: [], rows: rows))
    }

    /// The JSON field an export problem is about: `splitters[i].svlan` for a splitter's column,
    /// `code` for the project's.
    static func field(of location: CSVLocation?) -> String? {
        guard let location else { return nil }
        guard let column = location.column else { return location.line >= 1 ? "splitters[\(location.line - 1)]" : nil }
        if let key = projectKeys.first(where: { $0.value == column })?.key { return key }
        let key = splitterKeys.first { $0.value == column }?.key ?? column
        return location.line >= 1 ? "splitters[\(location.line - 1)].\(key)" : key
    }
}
