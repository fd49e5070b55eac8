import FTTHCore
import Foundation
import Hummingbird

/// Every error the API answers with: an HTTP status, a code a client can match, and a sentence
/// a person can act on, sent as `{"error": {"code": …, "message": …, "field": …}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// One located problem of an uploaded file.
    public struct Problem: Sendable, Hashable, Codable {
        public var line: Int?
        public var column: String?
        public var message: String

        /// Creates a problem at `line` and `column` (either may be unknown).
        public init(line: Int?, column: String?, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    public var status: HTTPResponse.Status
    /// Dotted code such as `auth.missing_token` or `request.invalid_value`.
    public var code: String
    public var message: String
    /// The request field (JSON key, path parameter, header) the error is about, when there is one.
    public var field: String?
    /// Every problem of an uploaded file, for import errors.
    public var problems: [Problem]
    public var headers: HTTPFields

    /// Creates an error answered with `status`.
    public init(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, problems: [Problem] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.problems = problems
        self.headers = headers
    }

    /// `status code: message`
    public var description: String { "\(status.code) \(code): \(message)" }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
            var problems: [Problem]?
        }
        var error: Detail
    }

    /// Writes the JSON error body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            error: .init(code: code, message: message, field: field, problems: problems.isEmpty ? nil : problems))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}

extension APIError {
    /// 400: the body or a parameter cannot be read at all.
    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "request.malformed", message: message, field: field)
    }

    /// 422: readable, but a value is not acceptable; `field` names it.
    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: "request.invalid_value", message: "\(field): \(message)", field: field)
    }

    /// Maps a store error: unknown → 404, illegal transition and conflicts → 409, failure → 500.
    init(_ error: StoreError) {
        switch error {
        case .notFound:
            self.init(.notFound, code: error.code, message: error.description)
        case .illegalTransition, .conflict, .cvlan, .naming:
            self.init(.conflict, code: error.code, message: error.description)
        case .database, .corruptRow:
            self.init(.internalServerError, code: error.code, message: error.description)
        }
    }
}
