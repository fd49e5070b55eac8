import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// The request context of the API: Hummingbird's core storage plus the token that opened the
/// request, set by ``BearerAuthMiddleware``.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated token; nil only before ``BearerAuthMiddleware`` ran.
    public var token: APIToken?

    /// The client's IP address as the socket saw it (a proxy's, behind one); nil in router tests.
    public var remoteAddress: String?

    /// Creates an unauthenticated context.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The largest body the route reads (``APIRoute/bodyLimit``), set when the route is chosen.
    public var bodyLimit = APIRoute.smallBody

    /// What Hummingbird and ``RequestBody`` collect at most: the route's ``bodyLimit``.
    public var maxUploadSize: Int { bodyLimit }

    /// The API's JSON (``FTTHWire/WireJSON``): ISO 8601 dates and a stable key order.
    public var responseEncoder: JSONEncoder { WireJSON.encoder() }

    /// The API's JSON (``FTTHWire/WireJSON``).
    public var requestDecoder: JSONDecoder { WireJSON.decoder() }

    /// The path parameter `name`, percent-decoded. Hummingbird hands path parameters over as sent,
    /// and a client must encode a splitter named 花园苑2期3号楼分光器 or `SP 01` (`%E8%8A%B1…`,
    /// `SP%2001`) to put it in a URL, so without decoding such a port is never found.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest(
                "\(name): '\(raw)' is not valid percent-encoding: encode the UTF-8 bytes as %XX", field: name)
        }
        return decoded
    }

    /// The path parameter `name` as a whole number from `minimum`, read by ``StrictInteger``;
    /// otherwise 400 naming the parameter with `example`, such as `/ports/SP-A/3`.
    func integerParameter(_ name: String, minimum: Int = 1, example: String) throws -> Int {
        let raw = try parameters.require(name)
        guard let value = StrictInteger.parse(raw), value >= minimum else {
            throw APIError.badRequest(
                "\(name): '\(raw)' is not a whole number from \(minimum) written in digits only, such as \(example)",
                field: name)
        }
        return value
    }

    /// The authenticated token; routes run only behind ``BearerAuthMiddleware``.
    var authenticated: APIToken {
        guard let token else { preconditionFailure("route registered without BearerAuthMiddleware") }
        return token
    }
}
