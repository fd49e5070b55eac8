import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// Every error the API answers with: an HTTP status, a code a client can match, and a sentence
/// a person can act on, sent as ``ErrorResponse``: `{"error": {"code": …, "message": …, "field": …}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// One located problem of an uploaded file or body.
    public typealias Problem = ErrorResponse.Problem

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

    /// The JSON body.
    public var body: ErrorResponse {
        ErrorResponse(
            error: .init(code: code, message: message, field: field, problems: problems.isEmpty ? nil : problems))
    }

    /// Writes the JSON error body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try WireJSON.encoder().encode(body))))
    }
}

extension APIError {
    /// 400: the body or a parameter cannot be read at all.
    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "request.malformed", message: message, field: field)
    }

    /// 413 naming the route's body limit. `Connection: close`: the server does not read the rest
    /// of a body it refused (``ConnectionGuard`` closes the connection after the answer).
    static func tooLarge(limit: Int, method: HTTPRequest.Method, path: String) -> APIError {
        let hint = path.hasSuffix("/import") ? "split the file and import the parts" : "send a smaller body"
        return APIError(
            .contentTooLarge, code: "request.too_large",
            message: "the body is larger than \(byteCount(limit)), the limit of \(method) \(path): \(hint)",
            field: "body", headers: [.connection: "close"])
    }

    /// 1 KiB, 64 KiB, 4 MiB: a limit in the words a person reads.
    static func byteCount(_ bytes: Int) -> String {
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MiB (\(bytes) bytes)" }
        if bytes % 1024 == 0 { return "\(bytes / 1024) KiB (\(bytes) bytes)" }
        return "\(bytes) bytes"
    }

    /// 422: readable, but a value is not acceptable; `field` names it.
    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: "request.invalid_value", message: "\(field): \(message)", field: field)
    }

    /// A store error with the status its kind has (``StoreError/status``); `field` names the
    /// request field it is about, when the caller knows it.
    init(_ error: StoreError, field: String? = nil) {
        self.init(error.status, code: error.code, message: error.description, field: field)
    }

    /// 422 naming the limit that makes a threshold profile meaningless.
    init(_ problem: ThresholdProblem) {
        self = .invalid(problem.key.rawValue, problem.message)
    }
}

extension StoreError {
    /// The HTTP status of each kind of store error, the one place it is decided: unknown → 404,
    /// an illegal transition or a conflict with what is stored → 409, a failure of the store → 500.
    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .illegalTransition, .conflict, .cvlan, .naming: .conflict
        case .database, .corruptRow: .internalServerError
        }
    }
}
