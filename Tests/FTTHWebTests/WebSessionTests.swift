import FTTHCore
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web sessions, sign-in codes, CSRF and roles")
struct WebSessionTests {
    @Test func aPasswordSignInSetsAHardenedCookieWhoseIdIsNotStored() async throws {
        let f = try await WebFixture()
        let response = try await f.post("/sign-in", form: ["name": "wang", "password": WebFixture.crewPassword])
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/projects")
        let cookie = try #require(response.headers[.setCookie])
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/", "Max-Age=43200"] {
            #expect(cookie.contains(attribute), "cookie lacks \(attribute): \(cookie)")
        }
        let id = try #require(WebFixture.cookieValue(cookie))
        #expect(id.count > 40)
        // Only its SHA-256 is in the file.
        let file = try Data(contentsOf: f.directory.appendingPathComponent("store.sqlite"))
        #expect(file.range(of: Data(id.utf8)) == nil)
        let page = try await f.get("/projects", session: id)
        #expect(page.status == .ok)
        #expect(page.text.contains("wang"))
    }

    @Test func aWrongPasswordIs401AndASourceThatKeepsFailingIs429() async throws {
        let f = try await WebFixture(authFailureLimit: 2)
        let first = try await f.post("/sign-in", form: ["name": "wang", "password": "wrong"])
        #expect(first.status == .unauthorized)
        #expect(first.headers[.setCookie] == nil)
        _ = try await f.post("/sign-in", form: ["name": "nobody", "password": "wrong"])
        let third = try await f.post("/sign-in", form: ["name": "wang", "password": "wrong"])
        #expect(third.status == .tooManyRequests)
    }

    @Test func withoutASessionEveryPageLeadsToSignIn() async throws {
        let f = try await WebFixture()
        for uri in ["/", "/projects", "/projects/P1", "/runs/1", "/admin/accounts"] {
            let response = try await f.get(uri)
            #expect(response.status == .seeOther, "\(uri)")
            #expect(response.headers[.location] == "/sign-in", "\(uri)")
        }
        let expired = try await f.signIn("wang", password: WebFixture.crewPassword)
        let later = try await f.get("/projects", session: expired, now: t0.addingTimeInterval(13 * 3600))
        #expect(later.headers[.location] == "/sign-in")
    }

    @Test func aCrewSessionGets403OnEveryAdministratorRoute() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        for uri in ["/admin/accounts", "/admin/anything", "/admin/thresholds/build"] {
            #expect(try await f.get(uri, session: crew).status == .forbidden, "\(uri)")
        }
        let post = try await f.post(
            "/admin/accounts/wang/sign-in-code", form: ["csrf": try await f.csrf(crew)], session: crew)
        #expect(post.status == .forbidden)
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        #expect(try await f.get("/admin/accounts", session: admin).status == .ok)
    }

    @Test func aSignInCodeWorksOnceAndNotAfterItExpires() async throws {
        let f = try await WebFixture()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let issued = try await f.post(
            "/admin/accounts/wang/sign-in-code", form: ["csrf": try await f.csrf(admin)], session: admin)
        #expect(issued.status == .ok)
        let text = issued.text
        let start = try #require(text.range(of: "https://localhost/code/"))
        let code = String(text[start.upperBound...].prefix { $0 != "\"" && $0 != "<" })
        // The same link as a QR code beside it: the page's SVG draws the modules of the link's code,
        // which QRCodeTests reads back with zbarimg.
        let drawn = try QRCode(text: "https://localhost/code/\(code)")
        #expect(text.contains("<strong>wang</strong>"), "whose link it is")
        #expect(text.contains("<figure class=\"qr\"><svg"))
        #expect(text.contains("viewBox=\"0 0 \(drawn.side) \(drawn.side)\""))
        #expect(text.contains("d=\"\(drawn.svgPath)\""))
        let page = try await f.get("/code/\(code)")
        #expect(page.status == .ok)
        let used = try await f.post("/code", form: ["code": code])
        #expect(used.status == .seeOther)
        let session = try #require(used.headers[.setCookie].flatMap(WebFixture.cookieValue))
        #expect(try await f.store.session(id: session, at: t0)?.account.name == "wang")
        #expect(try await f.post("/code", form: ["code": code]).status == .unauthorized)
        let late = try await f.store.issueSignInCode(for: "wang", expiresAt: t0.addingTimeInterval(60), at: t0)
        #expect(try await f.store.redeemSignInCode(late, at: t0.addingTimeInterval(61)) == nil)
    }

    @Test func aFormPostWithoutTheSessionsTokenOrFromAnotherOriginIsRefused() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let uri = "/projects/P1/splitters/SP-A/ports/1/test"
        #expect(try await f.post(uri, form: [:], session: crew).status == .forbidden)
        #expect(try await f.post(uri, form: ["csrf": "ftth_forged"], session: crew).status == .forbidden)
        let crossSite = try await f.post(
            uri, form: ["csrf": try await f.csrf(crew)], session: crew,
            extraHeaders: [.origin: "https://evil.example"])
        #expect(crossSite.status == .forbidden)
        #expect(try await f.store.testRuns(PortKey(projectCode: "P1", splitter: "SP-A", port: 1)).isEmpty)
        let signOut = try await f.post("/sign-out", form: [:], session: crew)
        #expect(signOut.status == .forbidden)
    }

    @Test func signingOutEndsTheSessionAndAnAdministratorCanEndAll() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let out = try await f.post("/sign-out", form: ["csrf": try await f.csrf(crew)], session: crew)
        #expect(out.status == .seeOther)
        #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
        #expect(try await f.get("/projects", session: crew).headers[.location] == "/sign-in")
        let phone = try await f.signIn("wang", password: WebFixture.crewPassword)
        #expect(try await f.store.revokeSessions(of: "wang", at: t0) == 1)
        #expect(try await f.get("/projects", session: phone).headers[.location] == "/sign-in")
    }
}
