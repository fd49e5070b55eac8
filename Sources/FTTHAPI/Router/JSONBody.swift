import FTTHCore
import Foundation
import Hummingbird

/// One untyped JSON value of a request body, so that a missing key, an explicit `null` and a
/// wrong type can each be told apart and named.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An object one level deep (the thresholds' `binding`); deeper values are `other`.
    case object([String: JSONValue])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let o = try? container.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            self = .other
        }
    }
}

/// Reads a JSON object body: 400 when it is not JSON or not an object.
enum JSONBody {
    static func object(_ request: Request, _ context: APIRequestContext) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: 1024 * 1024)
        do {
            return try JSONDecoder().decode([String: JSONValue].self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest(
                "the body must be a JSON object, such as {\"reason\": \"…\"}; it could not be read as one",
                field: "body")
        }
    }
}

/// The body of `PUT /v1/thresholds/{name}`: profile keys of `config/ftth-acceptd.toml` with a
/// number, or null (or "off") to switch the check off; and `binding`, an object that makes a
/// check binding (true: it fails the port) or advisory (false: it warns).
enum ThresholdSettingsBody {
    static func settings(from object: [String: JSONValue]) throws -> [ThresholdSetting] {
        let keys = ThresholdKey.allCases.map(\.rawValue).joined(separator: ", ")
        guard !object.isEmpty else {
            throw APIError.invalid("body", "name at least one limit (\(keys)) or binding")
        }
        var settings: [ThresholdSetting] = []
        for (field, value) in object.sorted(by: { $0.key < $1.key }) {
            if field == "binding" {
                guard case .object(let bindings) = value, !bindings.isEmpty else {
                    throw APIError.invalid(
                        field,
                        "must be an object such as {\"min_olt_rx_dbm\": false}: true makes a check fail the port, false makes it only warn"
                    )
                }
                for (name, flag) in bindings.sorted(by: { $0.key < $1.key }) {
                    guard let key = ThresholdKey(rawValue: name) else {
                        throw APIError.invalid("binding.\(name)", "unknown key; expected one of \(keys)")
                    }
                    guard case .bool(let binds) = flag else {
                        throw APIError.invalid(
                            "binding.\(name)", "must be true (the check fails the port) or false (it only warns)")
                    }
                    settings.append(ThresholdSetting(key: key, binding: binds))
                }
                continue
            }
            guard let key = ThresholdKey(rawValue: field) else {
                throw APIError.invalid(field, "unknown key; expected one of \(keys), or binding")
            }
            switch value {
            case .null, .string("off"):
                settings.append(ThresholdSetting(key: key, centi: nil))
            case .number(let d):
                guard d.isFinite, (-100...100).contains(d) else {
                    throw APIError.invalid(field, "\(d) \(key.unit) is not a plausible limit")
                }
                settings.append(ThresholdSetting(key: key, centi: Int((d * 100).rounded())))
            default:
                throw APIError.invalid(
                    field, "must be a number of \(key.unit), such as -20.0, or null to switch the check off")
            }
        }
        return settings
    }
}
