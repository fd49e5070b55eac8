import FTTHCore
import Foundation
import Hummingbird

/// The request context of the API: Hummingbird's core storage plus the token that opened the
/// request, set by ``BearerAuthMiddleware``.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated token; nil only before ``BearerAuthMiddleware`` ran.
    public var token: APIToken?

    /// Creates an unauthenticated context.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Project exports of a whole city fit comfortably.
    public var maxUploadSize: Int { 32 * 1024 * 1024 }

    /// JSON with snake_case keys, ISO 8601 dates and a stable key order.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The authenticated token; routes run only behind ``BearerAuthMiddleware``.
    var authenticated: APIToken {
        guard let token else { preconditionFailure("route registered without BearerAuthMiddleware") }
        return token
    }

    /// A path parameter as the client meant it: percent-decoded, so that a splitter named
    /// 花园苑2期3号楼分光器 or "GC2 B1" is found whichever way the client encoded the path.
    func pathText(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
