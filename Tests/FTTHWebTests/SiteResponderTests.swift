import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("One listener: the API under /v1, the pages elsewhere")
struct SiteResponderTests {
    @Test func aSessionCookieDoesNotOpenTheAPIAndATokenDoesNotOpenThePages() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let token = try await f.store.createToken(name: "crew-token", role: .crew, at: t0).secret
        let api = APIServer.buildRouter(store: f.store, configuration: AcceptdConfiguration(), now: { t0 })
        let web = WebSite.buildRouter(
            pages: f.pages, store: f.store, engine: f.engine, settings: f.settings, now: { t0 })
        let app = Application(responder: SiteResponder(api: api, web: web))
        try await app.test(.router) { client in
            let cookieOnAPI = try await client.execute(
                uri: "/v1/projects", method: .get, headers: [.cookie: "ftth_session=\(crew)"])
            #expect(cookieOnAPI.status == .unauthorized)
            let tokenOnAPI = try await client.execute(
                uri: "/v1/projects", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(tokenOnAPI.status == .ok)
            let tokenOnPages = try await client.execute(
                uri: "/projects", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(tokenOnPages.status == .seeOther)
            #expect(tokenOnPages.headers[.location] == "/sign-in")
            let cookieOnPages = try await client.execute(
                uri: "/projects", method: .get, headers: [.cookie: "ftth_session=\(crew)"])
            #expect(cookieOnPages.status == .ok)
        }
    }
}
