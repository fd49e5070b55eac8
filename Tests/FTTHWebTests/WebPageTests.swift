import FTTHCore
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web pages: headers, escaping, strings, the crew's port test")
struct WebPageTests {
    @Test func everyPageAndFileCarriesTheSecurityHeaders() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        for (uri, session) in [
            ("/sign-in", nil), ("/static/site.css", nil), ("/static/live.js", nil), ("/projects", crew),
            ("/projects/P1", crew), ("/admin/accounts", crew), ("/nowhere", crew),
        ] as [(String, String?)] {
            let r = try await f.get(uri, session: session)
            let csp = try #require(r.headers[.contentSecurityPolicy], "\(uri)")
            #expect(csp.contains("frame-ancestors 'none'"), "\(uri)")
            #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(uri)")
            #expect(r.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
        }
    }

    @Test func templatesHaveNoInlineScriptAndUseOnlyKnownStrings() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/FTTHWeb/Resources")
        let en = try JSONDecoder().decode(
            [String: String].self, from: Data(contentsOf: root.appendingPathComponent("strings/en.json")))
        let zh = try JSONDecoder().decode(
            [String: String].self, from: Data(contentsOf: root.appendingPathComponent("strings/zh.json")))
        #expect(Set(en.keys) == Set(zh.keys))
        let templates = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("templates").path)
        let pattern = try Regex(#"\{\{\s*t\.([a-z_]+)\s*\}\}"#)
        for name in templates {
            let text = try String(contentsOf: root.appendingPathComponent("templates/\(name)"), encoding: .utf8)
            #expect(!text.contains("<script>") && !text.contains("onclick") && !text.contains("style="), "\(name)")
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) turns escaping off")
            for match in text.matches(of: pattern) {
                let key = String(text[match.range].dropFirst(4).dropLast(2)).trimmingCharacters(in: .whitespaces)
                #expect(en[key] != nil, "\(name) uses t.\(key), missing from the strings")
            }
        }
    }

    @Test func valuesAreEscapedByTheEngine() async throws {
        let f = try await WebFixture()
        let failed = try await f.post("/sign-in", form: ["name": "<script>alert(1)</script>", "password": "x"])
        #expect(failed.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!failed.text.contains("<script>alert"))
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let projects = try await f.get("/projects", session: crew)
        #expect(projects.text.contains("Garden &lt;b&gt;Court&lt;/b&gt;"))
    }

    @Test func aCrewMemberReadsChineseAnAdministratorEnglish() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let zh = try await f.get("/projects", session: crew)
        #expect(zh.text.contains(#"lang="zh-CN""#) && zh.text.contains("项目"))
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let en = try await f.get("/projects", session: admin)
        #expect(en.text.contains(#"lang="en""#) && en.text.contains("Projects"))
    }

    @Test func projectSplitterAndPortsLeadToAStartedTest() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let project = try await f.get("/projects/P1", session: crew)
        #expect(project.text.contains("/projects/P1/splitters/SP-A"))
        let typed = try await f.get("/projects/P1/find?label=sp-a", session: crew)
        #expect(typed.headers[.location] == "/projects/P1/splitters/SP-A")
        #expect(try await f.get("/projects/P1/find?label=NOPE", session: crew).status == .notFound)
        let splitter = try await f.get("/projects/P1/splitters/SP-A", session: crew)
        #expect(splitter.text.contains("未测"))
        #expect(splitter.text.components(separatedBy: #"class="port state-untested""#).count == 4)
        let bad = try await f.post(
            "/projects/P1/splitters/SP-A/ports/2/test", form: ["csrf": try await f.csrf(crew), "serial": "nope"],
            session: crew)
        #expect(bad.status == .badRequest && bad.text.contains("HWTC7E570103"))
        let start = try await f.post(
            "/projects/P1/splitters/SP-A/ports/2/test",
            form: ["csrf": try await f.csrf(crew), "serial": "hwtc7e570102"], session: crew)
        #expect(start.status == .seeOther)
        let location = try #require(start.headers[.location])
        #expect(location.hasPrefix("/runs/"))
        let live = try await f.get(location, session: crew)
        #expect(live.text.contains(#"data-active="1""#))
        #expect(live.text.contains(#"<script src="/static/live.js" defer></script>"#))
        #expect(live.text.contains(#"<noscript><meta http-equiv="refresh" content="3"></noscript>"#))
        let step = try await f.get(location + "/step", session: crew)
        #expect(step.text == #"{"step":"provisioning"}"#)
        let run = try #require(try await f.store.testRuns(PortKey(projectCode: "P1", splitter: "SP-A", port: 2)).first)
        #expect(run.serial == ONUSerial("HWTC7E570102"))
        // Who started it is kept, and the review's port history says so.
        #expect(run.startedBy == "wang")
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let review = try await f.get("/admin/projects/P1/ports/SP-A/2", session: admin).text
        #expect(review.contains("<strong>test_started</strong> · wang"))
    }

    @Test func aFinishedTestShowsTheVerdictFirstWithReasonsApartFromWarningsAndTheNextPort() async throws {
        let f = try await WebFixture()
        let port = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        let run = try await f.store.beginTestRun(
            port, serial: ONUSerial("HWTC7E570009"), profile: .build,
            configuredRanges: [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3009)!)], at: t0)
        _ = try await f.store.advanceTestRun(run.id, to: .awaitingOnline, onuID: 1, attempt: 0, outcome: nil, at: t0)
        _ = try await f.store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: t0)
        let readings = OpticalReadings(
            oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-29.5)))
        let verdict = ThresholdProfile.build.evaluate(readings)
        #expect(verdict.verdict == .fail)
        _ = try await f.store.finishTestRun(
            run.id, readings: readings, verdict: verdict, outcome: verdict.summary, at: t0)
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let page = try await f.get("/runs/\(run.id)", session: crew).text
        let verdictAt = try #require(page.range(of: #"class="verdict verdict-fail""#))
        let readingsAt = try #require(page.range(of: #"class="readings""#))
        #expect(verdictAt.lowerBound < readingsAt.lowerBound)
        #expect(page.contains("不合格"))
        #expect(page.contains(#"<ul class="reasons">"#))
        #expect(page.contains("-29.50 dBm"))
        #expect(page.contains("/projects/P1/splitters/SP-A#port-2"))
        #expect(!page.contains("live.js"))
        #expect(!page.contains(">nil<"))
        let splitter = try await f.get("/projects/P1/splitters/SP-A", session: crew)
        #expect(splitter.text.contains(#"class="port state-failed" id="port-1""#))
    }
}
