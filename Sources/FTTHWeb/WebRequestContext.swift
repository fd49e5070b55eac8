import FTTHAPI
import FTTHCore
import Hummingbird

/// The request context of the web pages: Hummingbird's core storage, the client's address, and
/// the session ``SessionMiddleware`` found in the request's cookie.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address as the socket saw it; nil in router tests.
    public var remoteAddress: String?
    /// The signed-in session; nil before ``SessionMiddleware`` ran or when nobody is signed in.
    public var session: WebSession?
    /// The session's id as the cookie carries it, for signing out.
    var sessionID: String?

    /// Creates a context with nobody signed in.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The web context of a request the API's context first received (``SiteResponder``).
    init(api: APIRequestContext) {
        coreContext = api.coreContext
        remoteAddress = api.remoteAddress
    }

    /// Forms are small: a sign-in, a test start. A larger body is refused.
    public var maxUploadSize: Int { 16 * 1024 }
}
