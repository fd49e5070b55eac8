import Foundation
import Hummingbird

/// The paging of a list route: `limit` (1…``maxLimit``, ``defaultLimit`` when absent) and
/// `after`, the opaque cursor the previous page answered as `next`. A client follows `next`
/// until a page answers none.
struct PageQuery: Sendable {
    /// Items of a page when the request names no `limit`.
    static let defaultLimit = 100
    /// The largest `limit` a request may ask for.
    static let maxLimit = 1000

    var limit: Int
    /// The key (a project code) the page starts after; nil from the first item.
    var after: String?

    /// Reads `limit` and `after` from the query. Throws a 400 ``APIError`` naming the parameter
    /// for a limit that is not a whole number in range, or a cursor no page gave.
    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query.get("limit") {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw APIError.badRequest(
                    "limit: '\(text)' is not a page size; give a whole number from 1 to \(Self.maxLimit) (default \(Self.defaultLimit))",
                    field: "limit")
            }
            limit = value
        } else {
            limit = Self.defaultLimit
        }
        if let cursor = query.get("after") {
            guard let key = Self.key(of: cursor) else {
                throw APIError.badRequest(
                    "after: '\(cursor)' is not a cursor this API gave; pass the `next` of the previous page as it was, or leave `after` out to start from the first page",
                    field: "after")
            }
            after = key
        }
    }

    /// The cursor of a page that ends at `key`: base64url of its UTF-8, so that any code fits in
    /// a URL as it is.
    static func cursor(after key: String) -> String {
        Data(key.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The key a cursor stands for, or nil when it is not one.
    static func key(of cursor: String) -> String? {
        guard !cursor.isEmpty,
            cursor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
