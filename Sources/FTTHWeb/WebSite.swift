import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHEngine
import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging

/// What the web pages read and write: the acceptance data, the test runs and their service tests,
/// the people and the crews' evidence; for the administrator's pages and the reports also the
/// reviews, thresholds, tokens and pushes.
public typealias WebStore = AcceptanceStore & TestRunStore & WebAccountStore & EvidenceStore & ServiceTestStore
    & ProjectReviewStore & ThresholdStore & TokenStore & OutboxStore & DiagnosisStore

/// The web pages for crews (issue 14, first slice): sign-in by password or one-time code, the
/// projects, a project's splitters, a splitter's ports, starting a port test and watching it
/// live to its verdict. Everything but sign-in and the static files needs a session; `/admin`
/// needs an administrator's.
public enum WebSite {
    /// The router of the web pages. `configuration` gives the imports their limits, naming rule
    /// and activation policy, and the reports the configured threshold profiles. `now` stamps
    /// sessions and codes; `clock` times failed sign-ins and the live view's heartbeat. The
    /// diagnosis of where light is lost predicts each link's loss with `[diagnosis]`.
    public static func buildRouter(
        pages: WebPages, store: any WebStore, engine: AcceptanceEngine?, settings: WebSettings,
        configuration: AcceptdConfiguration = AcceptdConfiguration(),
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock()
    ) -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(store: store, now: now))
        let routes = WebRoutes(
            pages: pages, store: store, engine: engine, settings: settings, now: now, clock: clock,
            limiter: AuthFailureLimiter(
                limit: settings.authFailureLimit, window: settings.authFailureWindow, clock: clock),
            figures: configuration.diagnosis)
        WebAdminRoutes(web: routes, thresholds: configuration.profiles).register(on: router)
        WebReportRoutes(
            pages: pages, store: store, profiles: configuration.profiles, figures: configuration.diagnosis, now: now
        ).register(on: router)
        WebImportRoutes(pages: pages, store: store, configuration: configuration, now: now).register(on: router)
        routes.register(on: router)
        return router
    }

    /// A bcrypt hash of `password` at `cost`, computed off the cooperative pool.
    public static func hashPassword(_ password: String, cost: UInt8 = 12) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.hash(password, cost: cost)) }
        }
    }

    static func verifyPassword(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }
}

/// Serves the API under `/v1` (bearer tokens) and the web pages everywhere else (sessions),
/// on one listener.
public struct SiteResponder: HTTPResponder {
    public typealias Context = APIRequestContext
    let api: RouterResponder<APIRequestContext>
    let web: RouterResponder<WebRequestContext>

    /// Dispatches between the API's router and the pages' router.
    public init(api: Router<APIRequestContext>, web: Router<WebRequestContext>) {
        self.api = api.buildResponder()
        self.web = web.buildResponder()
    }

    public func respond(to request: Request, context: APIRequestContext) async throws -> Response {
        let path = request.uri.path
        // Prometheus scrapes `/metrics` at the root, where scrapers look by default.
        if path == "/v1" || path.hasPrefix("/v1/") || path == "/metrics" {
            return try await api.respond(to: request, context: context)
        }
        return try await web.respond(to: request, context: WebRequestContext(api: context))
    }
}
