import FTTHWire
import Foundation
import Hummingbird

/// The one way the API reads a JSON body: into its ``FTTHWire`` request type with
/// ``WireJSON/decoder()``. A body that is not a JSON object is 400 (`field`: `body`); a value
/// of the wrong type, a missing required key or an unknown key is 422 naming the field by its
/// path, such as `splitters[0].svlan` or `binding.min_olt_rx_dbm`. A body sent without
/// `Content-Type: application/json` is 415: a form or a text post is never taken for JSON.
enum RequestBody {
    /// Decodes the body as `T`.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: APIRequestContext, example: String
    ) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try requireJSON(request)
        return try decode(type, from: Data(buffer.readableBytesView), example: example)
    }

    /// Throws 415 naming the header unless the request says its body is JSON
    /// (`application/json`, with or without parameters, or an `application/…+json` type).
    static func requireJSON(_ request: Request) throws {
        let header = request.headers[.contentType] ?? ""
        let type = header.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if let type, type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) {
            return
        }
        throw APIError(
            .unsupportedMediaType, code: "request.content_type",
            message:
                "send the body as JSON with 'Content-Type: application/json'\(header.isEmpty ? "" : " (it was '\(header)')")",
            field: "Content-Type")
    }

    /// Decodes the body as `T`, or nil when it is empty (a body every key of which is optional).
    static func decodeIfPresent<T: Decodable>(
        _ type: T.Type, from request: Request, context: APIRequestContext, example: String
    ) async throws -> T? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        try requireJSON(request)
        return try decode(type, from: Data(buffer.readableBytesView), example: example)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, example: String) throws -> T {
        do {
            return try WireJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(error, example: example)
        }
    }
}

extension APIError {
    /// The error of a body that did not decode: 400 when it is not a JSON object at all, else 422
    /// at the field's path. `example` shows what a body looks like.
    init(_ error: DecodingError, example: String) {
        let path: [any CodingKey]
        let message: String
        switch error {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            message = "must be \(Self.describe(type))"
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "must be \(Self.describe(type)), not null"
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            message = "is required"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            path = []
            message = "\(error)"
        }
        guard !path.isEmpty else {
            self = .badRequest(
                "the body must be a JSON object, such as \(example); it could not be read as one", field: "body")
            return
        }
        self = .invalid(Self.field(path), message)
    }

    /// `splitters[0].svlan` for the path splitters → 0 → svlan.
    static func field(_ path: [any CodingKey]) -> String {
        var field = ""
        for key in path {
            if let index = key.intValue {
                field += "[\(index)]"
            } else {
                field += (field.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return field
    }

    /// The JSON a Swift type stands for, in a client's words.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
