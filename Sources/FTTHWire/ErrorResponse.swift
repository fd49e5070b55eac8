/// Every error body of the API: `{"error": {"code": …, "message": …, "field": …, "problems": […]}}`.
public struct ErrorResponse: Codable, Sendable, Hashable {
    /// One located problem of an uploaded file or body.
    public struct Problem: Codable, Sendable, Hashable {
        /// The file's line; nil for a JSON body.
        public var line: Int?
        /// The CSV column, or the JSON field such as `splitters[0].svlan`.
        public var column: String?
        public var message: String

        /// A problem at `line` and `column` (either may be unknown).
        public init(line: Int?, column: String?, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// What went wrong.
    public struct Detail: Codable, Sendable, Hashable {
        /// Dotted code a client can match, such as `auth.missing_token` or `request.invalid_value`.
        public var code: String
        /// A sentence a person can act on.
        public var message: String
        /// The request field (JSON key, path parameter, header) the error is about.
        public var field: String?
        /// Every problem of an upload; absent when there is none.
        public var problems: [Problem]?

        /// An error detail.
        public init(code: String, message: String, field: String? = nil, problems: [Problem]? = nil) {
            self.code = code
            self.message = message
            self.field = field
            self.problems = problems
        }
    }

    public var error: Detail

    /// Wraps `error`.
    public init(error: Detail) { self.error = error }
}
