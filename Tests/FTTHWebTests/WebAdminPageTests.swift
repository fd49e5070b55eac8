import FTTHConfig
import FTTHCore
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Readings every limit of the build profile passes.
let goodReadings = OpticalReadings(
    oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-20)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-19.5)))
/// Readings whose ONU receive power is below the build profile's minimum.
let weakReadings = OpticalReadings(
    oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-29.5)))

extension WebFixture {
    static let ranges = [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3999)!)]

    /// Records a line result on `port` of P1 as a test outside a run would: activation, then result.
    func recordResult(_ port: Int, _ readings: OpticalReadings, splitter: String = "SP-A", project: String = "P1")
        async throws
    {
        let key = PortKey(projectCode: project, splitter: splitter, port: port)
        _ = try await store.recordActivation(key, serial: nil, configuredRanges: Self.ranges, at: t0)
        try await store.recordLineResult(
            key, readings: readings, verdict: ThresholdProfile.build.evaluate(readings), at: t0)
    }

    /// Imports `csv` (the fixture's columns).
    func importCSV(_ csv: String) async throws {
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: csv, file: "extra.csv"), namingRule: .standard, source: "extra.csv", at: t0,
            progress: nil)
    }

    func admin() async throws -> String { try await signIn("li", password: Self.adminPassword) }
    func crew() async throws -> String { try await signIn("wang", password: Self.crewPassword) }
}

let csvHeader =
    "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports"

@Suite("Web pages: the administrator's")
struct WebAdminPageTests {
    static let pages = [
        "/admin", "/admin/projects/P1", "/admin/projects/P1/ports", "/admin/projects/P1/ports/SP-A/1",
        "/admin/projects/P1/pushes", "/admin/thresholds", "/admin/thresholds/build", "/admin/accounts",
        "/admin/tokens",
    ]
    static let forms = [
        "/admin/projects/P1/approve", "/admin/projects/P1/send-back", "/admin/thresholds/build", "/admin/accounts",
        "/admin/accounts/wang/sign-in-code", "/admin/accounts/wang/revoke-sessions", "/admin/tokens/inventory/revoke",
        "/admin/tokens",
    ]

    @Test func onlyAnAdministratorOpensThePagesAndPostsTheForms() async throws {
        let f = try await WebFixture()
        _ = try await f.store.applyConfiguredThresholds(AcceptdConfiguration().profiles, at: t0)
        let crew = try await f.crew()
        let admin = try await f.admin()
        for page in Self.pages {
            #expect(try await f.get(page).headers[.location] == "/sign-in", "\(page)")
            let refused = try await f.get(page, session: crew)
            #expect(refused.status == .forbidden, "\(page)")
            #expect(refused.text.contains("无权访问"), "\(page)")
            #expect(try await f.get(page, session: admin).status == .ok, "\(page)")
        }
        for form in Self.forms {
            let refused = try await f.post(form, form: ["csrf": try await f.csrf(crew), "reason": "x"], session: crew)
            #expect(refused.status == .forbidden, "\(form)")
            #expect(try await f.post(form, form: [:]).headers[.location] == "/sign-in", "\(form)")
        }
        #expect(try await f.store.project("P1")?.project.state == .entered)
        let home = try await f.get("/projects", session: admin).text
        #expect(home.contains(#"href="/admin""#))
        #expect(!(try await f.get("/projects", session: crew).text.contains(#"href="/admin""#)))
    }

    @Test func everyFormRefusesAPostWithoutTheSessionsToken() async throws {
        let f = try await WebFixture()
        _ = try await f.store.applyConfiguredThresholds(AcceptdConfiguration().profiles, at: t0)
        _ = try await f.store.createToken(name: "inventory", role: .integration, at: t0)
        let admin = try await f.admin()
        for form in Self.forms {
            for token in [nil, "not-the-token"] as [String?] {
                var fields = ["reason": "x", "name": "new-person", "role": "crew", "language": "zh"]
                fields["csrf"] = token
                let r = try await f.post(form, form: fields, session: admin)
                #expect(r.status == .forbidden, "\(form) csrf \(token ?? "missing")")
                #expect(r.text.contains("The form expired"), "\(form)")
            }
        }
        #expect(try await f.store.account(name: "new-person") == nil)
        #expect(try await f.store.tokens().first?.isActive == true)
        #expect(try await f.store.tokens().count == 1, "no token made by a forged form")
        #expect(try await f.store.thresholdHistory(profile: "build").allSatisfy { $0.actor == "config" })
    }

    @Test func everyStateRoleAndLimitHasItsWordsInBothLanguages() throws {
        let strings = try WebStrings.load()
        var keys = ProjectState.allCases.map { "admin_project_state_\($0.rawValue)" }
        keys += ActivationStatus.allCases.map { "admin_activation_\($0.rawValue)" }
        keys += TestStatus.allCases.map { "admin_test_\($0.rawValue)" }
        keys += PortProgress.allCases.map { "admin_state_\($0.rawValue)" }
        keys += ThresholdKey.allCases.map { "admin_key_\($0.rawValue)" }
        keys += APIRole.allCases.map { "admin_role_\($0.rawValue)" }
        keys += WebLanguage.allCases.map { "admin_language_\($0.rawValue)" }
        keys += ["limit", "binding"].map { "admin_aspect_\($0)" }
        keys += ["approved", "sent_back", "saved", "created", "revoked", "token_revoked"].map { "admin_done_\($0)" }
        for language in WebLanguage.allCases {
            for key in keys { #expect(strings.strings(language)[key] != nil, "\(language) \(key)") }
        }
    }

    @Test func theHomeListsProjectsWithProgressAPageAtATime() async throws {
        let f = try await WebFixture()
        let rows = (1...51).map { i in
            "Q\(String(format: "%03d", i)),Block \(i),HW-2,10.0.1.\(i),huawei-ma5800,0/1/0,1001,S-\(i),1:8,2"
        }
        try await f.importCSV(([csvHeader] + rows).joined(separator: "\n"))
        try await f.recordResult(1, goodReadings)
        try await f.recordResult(2, weakReadings)
        try await f.store.reportRework(
            PortKey(projectCode: "P1", splitter: "SP-A", port: 2), note: "re-spliced", at: t0)
        let admin = try await f.admin()
        let first = try await f.get("/admin", session: admin).text
        // P1 sorts first; its counts: 3 ports, 1 tested and passed, 1 awaiting a re-test.
        #expect(first.contains("Garden &lt;b&gt;Court&lt;/b&gt;") && !first.contains("<b>Court"))
        let p1 = try #require(first.range(of: #"href="/admin/projects/P1""#))
        let row = String(first[p1.lowerBound...].prefix(600))
        for (column, value) in [
            ("Ports\" class=\"num", 3), ("Tested\" class=\"num", 1), ("Passed\" class=\"num pass", 1),
            ("Failed\" class=\"num fail", 0), ("Awaiting re-test\" class=\"num", 1),
        ] {
            #expect(row.contains("data-label=\"\(column)\">\(value)</td>"), "\(column)")
        }
        #expect(row.contains("Testing"))
        #expect(first.contains("/admin/projects/Q049") && !first.contains("/admin/projects/Q050"))
        #expect(first.contains(#"href="/admin?after=Q049""#))
        let second = try await f.get("/admin?after=Q049", session: admin).text
        #expect(second.contains("/admin/projects/Q050") && second.contains("/admin/projects/Q051"))
        #expect(!second.contains("/admin/projects/P1\"") && !second.contains("?after="))
    }

    @Test func aProjectIsApprovedOnceEveryPortPassed() async throws {
        let f = try await WebFixture()
        let admin = try await f.admin()
        let csrf = try await f.csrf(admin)
        #expect(!(try await f.get("/admin/projects/P1", session: admin).text.contains(#"id="approve""#)))
        for port in 1...3 { try await f.recordResult(port, goodReadings) }
        #expect(try await f.store.project("P1")?.project.state == .awaitingReview)
        let page = try await f.get("/admin/projects/P1", session: admin).text
        #expect(page.contains(#"id="approve""#) && page.contains("Awaiting review"))
        let approved = try await f.post("/admin/projects/P1/approve", form: ["csrf": csrf], session: admin)
        #expect(approved.headers[.location] == "/admin/projects/P1?done=approved")
        #expect(try await f.store.project("P1")?.project.state == .accepted)
        let after = try await f.get("/admin/projects/P1?done=approved", session: admin).text
        #expect(after.contains("The project is approved.") && after.contains(#"id="project-state">Accepted<"#))
        #expect(after.contains("<strong>approve</strong> · li"))
        #expect(!after.contains(#"id="approve""#))
        // Approving again is refused in words, on the page.
        let again = try await f.post("/admin/projects/P1/approve", form: ["csrf": csrf], session: admin)
        #expect(again.status == .conflict && again.text.contains(#"id="review-error""#))

        // The pushes to account opening, once queued, and once one is acknowledged.
        #expect(try await f.get("/admin/projects/P1/pushes", session: admin).text.contains("Nothing was pushed"))
        #expect(try await f.store.enqueueAcceptedPorts(projectCode: "P1", at: t0) == 3)
        let first = try #require(try await f.store.outboxMessages(projectCode: "P1").first)
        try await f.store.markOutboxDelivered(first.id, at: t0.addingTimeInterval(5))
        let pushes = try await f.get("/admin/projects/P1/pushes", session: admin).text
        #expect(pushes.contains("1 / 3 acknowledged"))
        #expect(pushes.components(separatedBy: ">waiting<").count == 3)
        #expect(pushes.contains("/admin/projects/P1/ports/SP-A/1"))
    }

    @Test func aSendBackNeedsAReasonAndKeepsWhatWasTyped() async throws {
        let f = try await WebFixture()
        let admin = try await f.admin()
        let csrf = try await f.csrf(admin)
        try await f.recordResult(1, goodReadings)
        #expect(try await f.store.project("P1")?.project.state == .testing)
        let blank = try await f.post(
            "/admin/projects/P1/send-back", form: ["csrf": csrf, "reason": "  \r\n "], session: admin)
        #expect(blank.status == .unprocessableContent)
        #expect(blank.text.contains("Give a reason"))
        let escape = try await f.post(
            "/admin/projects/P1/send-back", form: ["csrf": csrf, "reason": "splice <b>box</b> 3\u{1B}[2J"],
            session: admin)
        #expect(escape.status == .unprocessableContent)
        #expect(escape.text.contains("contains control character U+1B"))
        #expect(escape.text.contains("splice &lt;b&gt;box&lt;/b&gt; 3"))
        #expect(try await f.store.project("P1")?.project.state == .testing)
        let sent = try await f.post(
            "/admin/projects/P1/send-back",
            form: ["csrf": csrf, "reason": "Re-splice <script>alert(1)</script> box 3\r\nthen retest"], session: admin)
        #expect(sent.headers[.location] == "/admin/projects/P1?done=sent_back")
        #expect(try await f.store.project("P1")?.project.state == .rework)
        let page = try await f.get("/admin/projects/P1?done=sent_back", session: admin).text
        #expect(page.contains("sent back for rework") && page.contains(#"id="project-state">Rework<"#))
        #expect(page.contains("Re-splice &lt;script&gt;alert(1)&lt;/script&gt; box 3\nthen retest"))
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("<strong>send back</strong> · li"))
    }

    @Test func theActivationListIsFilteredAndPagedOnTheServer() async throws {
        let f = try await WebFixture()
        // 32 splitters of 8 ports on 8 PON ports: 256 ports, one splitter named with markup.
        var rows: [String] = []
        for s in 0..<32 {
            let name = s == 5 ? "<script>alert(1)</script>" : "R-\(String(format: "%02d", s))"
            rows.append("R1,Riverside,HW-3,10.0.2.1,huawei-ma5800,0/1/\(s / 4),\(1100 + s / 4),\(name),1:8,8")
        }
        try await f.importCSV(([csvHeader] + rows).joined(separator: "\n"))
        try await f.recordResult(3, weakReadings, splitter: "R-07", project: "R1")
        let admin = try await f.admin()
        let first = try await f.get("/admin/projects/R1/ports", session: admin).text
        #expect(first.components(separatedBy: "<tr class=\"row-").count - 1 == 100)
        #expect(first.contains("1–100 / 256"))
        #expect(first.contains(#"href="/admin/projects/R1/ports?page=2""#) && !first.contains("rel=\"prev\""))
        #expect(first.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !first.contains("<script>alert"))
        let third = try await f.get("/admin/projects/R1/ports?page=3", session: admin).text
        #expect(third.components(separatedBy: "<tr class=\"row-").count - 1 == 56)
        #expect(third.contains("201–256 / 256") && !third.contains("rel=\"next\""))
        let failed = try await f.get("/admin/projects/R1/ports?state=failed", session: admin).text
        #expect(failed.components(separatedBy: "<tr class=\"row-failed\"").count - 1 == 1)
        #expect(failed.contains(#"href="/admin/projects/R1/ports/R-07/3""#))
        #expect(failed.contains(#"<option value="failed" selected>"#))
        let splitter = try await f.get(
            "/admin/projects/R1/ports?splitter=%3Cscript%3Ealert(1)%3C%2Fscript%3E", session: admin)
        #expect(splitter.text.components(separatedBy: "<tr class=\"row-").count - 1 == 8)
        #expect(splitter.text.contains("/admin/projects/R1/ports/%3Cscript%3Ealert(1)%3C%2Fscript%3E/8"))
        let port = try await f.get("/admin/projects/R1/ports/%3Cscript%3Ealert(1)%3C%2Fscript%3E/8", session: admin)
        #expect(port.status == .ok && port.text.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; · Port 8"))
        #expect(try await f.get("/admin/projects/R1/ports?splitter=NONE", session: admin).text.contains("No port"))
        #expect(try await f.get("/admin/projects/NOPE/ports", session: admin).status == .notFound)
        let far = try await f.get("/admin/projects/R1/ports?page=99999999999999999", session: admin)
        #expect(far.status == .ok && far.text.contains("No port"))
    }

    @Test func theStoresProgressFilterDecidesAsPortProgressDoes() async throws {
        let f = try await WebFixture()
        try await f.importCSV(
            """
            \(csvHeader),service_test,plan_mbps
            S1,Service block,HW-4,10.0.3.1,huawei-ma5800,0/1/0,1001,SV-A,1:8,4,yes,100
            """)
        try await f.recordResult(1, goodReadings)
        try await f.recordResult(2, weakReadings)
        try await f.recordResult(3, weakReadings)
        try await f.store.reportRework(PortKey(projectCode: "P1", splitter: "SP-A", port: 3), note: "n", at: t0)
        // A service project: a passed line alone leaves the port untested, a failed one fails it.
        try await f.recordResult(1, goodReadings, splitter: "SV-A", project: "S1")
        try await f.recordResult(2, weakReadings, splitter: "SV-A", project: "S1")
        for project in ["P1", "S1"] {
            let all = try await f.store.activationList(projectCode: project)
            var seen = 0
            for progress in PortProgress.allCases {
                let page = try await f.store.activationListPage(
                    projectCode: project, splitter: nil, progress: progress, offset: 0, limit: 100)
                let expected = all.filter { PortProgress($0.workflow) == progress }
                #expect(page.rows == expected, "\(project) \(progress)")
                #expect(page.matching == expected.count && page.total == all.count)
                seen += page.matching
            }
            #expect(seen == all.count)
        }
        let s1 = try await f.store.activationList(projectCode: "S1").map { PortProgress($0.workflow) }
        #expect(s1 == [.untested, .failed, .untested, .untested])
        let p1 = try await f.store.activationList(projectCode: "P1").map { PortProgress($0.workflow) }
        #expect(p1 == [.passed, .failed, .rework])
        let page = try await f.store.activationListPage(
            projectCode: "S1", splitter: "SV-A", progress: nil, offset: 1, limit: 2)
        #expect(page.rows.map(\.key.port) == [2, 3] && page.matching == 4 && page.splitters == ["SV-A"])
        await #expect(throws: StoreError.self) {
            _ = try await f.store.activationListPage(
                projectCode: "NOPE", splitter: nil, progress: nil, offset: 0, limit: 1)
        }
    }

    @Test func aPortShowsEveryResultWithReasonsAndItsHistory() async throws {
        let f = try await WebFixture()
        try await f.recordResult(1, weakReadings)
        let key = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        try await f.store.reportRework(key, note: "re-spliced at the box", at: t0.addingTimeInterval(60))
        try await f.store.recordLineResult(
            key, readings: goodReadings, verdict: ThresholdProfile.build.evaluate(goodReadings),
            at: t0.addingTimeInterval(120))
        let admin = try await f.admin()
        let page = try await f.get("/admin/projects/P1/ports/SP-A/1", session: admin).text
        let pass = try #require(page.range(of: #"class="result result-pass""#))
        let fail = try #require(page.range(of: #"class="result result-fail""#))
        #expect(pass.lowerBound < fail.lowerBound, "newest first")
        #expect(page.contains(#"<ul class="reasons">"#) && page.contains("-29.50 dBm"))
        #expect(page.contains("re-spliced at the box"))
        #expect(page.contains("2026-09-21 14:15:20 UTC") && page.contains("2026-09-21 14:13:20 UTC"))
        #expect(page.contains("HW-1 · 10.0.0.1") && page.contains("0/1/0"))
        #expect(try await f.get("/admin/projects/P1/ports/SP-A/9", session: admin).status == .notFound)
        #expect(try await f.get("/admin/projects/P1/ports/SP-A/x", session: admin).status == .notFound)
    }

    /// The review sees what the crew attached: the photo, the position, who and when.
    @Test func aPortShowsTheCrewsEvidence() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun(port: 1)
        let hash = String(repeating: "ab", count: 32)
        let photo = NewEvidencePhoto(sha256: hash, mediaType: .jpeg, byteCount: 2_048)
        let position = try GeoPosition(latitude: 31.2, longitude: 121.4, accuracyMeters: 8)
        try await f.store.addEvidence(
            runID: run.id, photos: [photo], position: position, serial: nil, by: "wang", at: t0)
        let admin = try await f.admin()
        let page = try await f.get("/admin/projects/P1/ports/SP-A/1", session: admin).text
        #expect(page.contains(#"id="evidence-\#(run.id)""#))
        #expect(page.contains(#"<img src="/evidence/\#(hash)""#))
        #expect(page.contains("31.2"))
        let other = try await f.get("/admin/projects/P1/ports/SP-A/2", session: admin).text
        #expect(!other.contains("/evidence/"))
    }

    @Test func aThresholdProfileIsEditedByTheAPIsRulesAndAudited() async throws {
        let f = try await WebFixture()
        _ = try await f.store.applyConfiguredThresholds(AcceptdConfiguration().profiles, at: t0)
        let admin = try await f.admin()
        let csrf = try await f.csrf(admin)
        let list = try await f.get("/admin/thresholds", session: admin).text
        #expect(list.contains(#"href="/admin/thresholds/build""#) && list.contains("Lowest ONU receive power"))
        let build = try #require(try await f.store.thresholdProfiles(configured: [:]).first { $0.name == "build" })
        var form = ["csrf": csrf]
        for key in ThresholdKey.allCases {
            form["limit_\(key.rawValue)"] = build.decimalString(key) ?? ""
            if build.binds(key.check) { form["binding_\(key.rawValue)"] = "on" }
        }
        var typo = form
        typo["limit_min_onu_rx_dbm"] = "-27,5"
        let refused = try await f.post("/admin/thresholds/build", form: typo, session: admin)
        #expect(refused.status == .unprocessableContent)
        #expect(refused.text.contains(#"value="-27,5""#) && refused.text.contains("must be a number"))
        var implausible = form
        implausible["limit_max_upstream_attenuation_db"] = "250"
        let far = try await f.post("/admin/thresholds/build", form: implausible, session: admin)
        #expect(far.status == .unprocessableContent && far.text.contains("250.0 dB is not a plausible limit"))
        var crossed = form
        crossed["limit_min_onu_rx_dbm"] = "-5"
        crossed["limit_max_onu_rx_dbm"] = "-8"
        let meaningless = try await f.post("/admin/thresholds/build", form: crossed, session: admin)
        #expect(meaningless.status == .unprocessableContent)
        #expect(meaningless.text.contains("is above max_onu_rx_dbm"))
        #expect(meaningless.text.contains(#"value="-5""#) && meaningless.text.contains(#"value="-8""#))
        #expect(try await f.store.thresholdHistory(profile: "build").allSatisfy { $0.actor == "config" })

        var change = form
        change["limit_min_onu_rx_dbm"] = "−26.5"
        change["binding_min_olt_rx_dbm"] = nil
        change["binding_min_onu_rx_dbm"] = "on"
        let saved = try await f.post("/admin/thresholds/build", form: change, session: admin)
        #expect(saved.headers[.location] == "/admin/thresholds/build?done=saved")
        let now = try #require(try await f.store.thresholdProfiles(configured: [:]).first { $0.name == "build" })
        #expect(now.minONURx == DBm(-26.5))
        #expect(!now.binds(.minOLTRx))
        let changes = try await f.store.thresholdHistory(profile: "build").filter { $0.actor == "li" }
        #expect(changes.contains { $0.key == .minONURx && $0.newValue == "-26.50" })
        let page = try await f.get("/admin/thresholds/build?done=saved", session: admin).text
        #expect(page.contains("Saved.") && page.contains(#"data-label="Who">li</td>"#) && page.contains("-26.50"))
        // The same form again changes nothing and audits nothing.
        var same = form
        same["limit_min_onu_rx_dbm"] = "-26.5"
        same["binding_min_olt_rx_dbm"] = nil
        _ = try await f.post("/admin/thresholds/build", form: same, session: admin)
        #expect(try await f.store.thresholdHistory(profile: "build").filter { $0.actor == "li" }.count == changes.count)
        #expect(try await f.get("/admin/thresholds/nope", session: admin).status == .notFound)
    }

    @Test func accountsAreCreatedTheirSessionsRevokedAndTokensRevoked() async throws {
        let f = try await WebFixture()
        let admin = try await f.admin()
        let crew = try await f.crew()
        let csrf = try await f.csrf(admin)
        let short = try await f.post(
            "/admin/accounts",
            form: ["csrf": csrf, "name": "zhao <3>", "role": "admin", "language": "en", "password": "short"],
            session: admin)
        #expect(short.status == .unprocessableContent && short.text.contains("too short"))
        #expect(short.text.contains(#"value="zhao &lt;3&gt;""#))
        #expect(short.text.contains(#"<option value="admin" selected>"#))
        let bad = try await f.post(
            "/admin/accounts", form: ["csrf": csrf, "name": "x", "role": "probe", "language": "zh"], session: admin)
        #expect(bad.status == .unprocessableContent && bad.text.contains("Choose crew or administrator"))
        let created = try await f.post(
            "/admin/accounts",
            form: ["csrf": csrf, "name": "zhao", "role": "crew", "language": "zh", "password": "a long password 1"],
            session: admin)
        #expect(created.headers[.location] == "/admin/accounts?done=created")
        #expect(try await f.signIn("zhao", password: "a long password 1").isEmpty == false)
        let codeOnly = try await f.post(
            "/admin/accounts", form: ["csrf": csrf, "name": "qian", "role": "crew", "language": "zh"], session: admin)
        #expect(codeOnly.status == .seeOther)
        #expect(try await f.store.account(name: "qian")?.passwordHash == nil)
        let taken = try await f.post(
            "/admin/accounts", form: ["csrf": csrf, "name": "zhao", "role": "crew", "language": "zh"], session: admin)
        #expect(taken.status == .unprocessableContent && taken.text.contains("exists already"))
        let code = try await f.post("/admin/accounts/qian/sign-in-code", form: ["csrf": csrf], session: admin)
        #expect(code.text.contains("https://") && code.text.contains("/code/"))

        #expect(try await f.get("/projects", session: crew).status == .ok)
        let revoked = try await f.post("/admin/accounts/wang/revoke-sessions", form: ["csrf": csrf], session: admin)
        #expect(revoked.headers[.location] == "/admin/accounts?done=revoked")
        #expect(try await f.get("/projects", session: crew).headers[.location] == "/sign-in")
        #expect(try await f.get("/projects", session: admin).status == .ok)
        #expect(
            try await f.post("/admin/accounts/nobody/revoke-sessions", form: ["csrf": csrf], session: admin).status
                == .notFound)

        _ = try await f.store.createToken(name: "inventory", role: .integration, at: t0)
        let tokens = try await f.get("/admin/tokens", session: admin).text
        #expect(tokens.contains("inventory") && tokens.contains("/admin/tokens/inventory/revoke"))
        let revokedToken = try await f.post("/admin/tokens/inventory/revoke", form: ["csrf": csrf], session: admin)
        #expect(revokedToken.headers[.location] == "/admin/tokens?done=revoked")
        #expect(try await f.store.tokens().first?.isActive == false)
        let after = try await f.get("/admin/tokens?done=revoked", session: admin).text
        #expect(!after.contains("/admin/tokens/inventory/revoke") && after.contains("revoked"))
        #expect(try await f.post("/admin/tokens/nope/revoke", form: ["csrf": csrf], session: admin).status == .notFound)
    }

    /// A token made in the browser: its secret shown once, on a page never cached, and it opens the
    /// API with its role; a name against the rule or taken is refused with the form kept.
    @Test func aTokenIsCreatedWithItsSecretShownOnce() async throws {
        let f = try await WebFixture()
        let admin = try await f.admin()
        let csrf = try await f.csrf(admin)
        let bad = try await f.post(
            "/admin/tokens", form: ["csrf": csrf, "name": "probe north", "role": "probe"], session: admin)
        #expect(bad.status == .unprocessableContent && bad.text.contains("at most 64"))
        #expect(bad.text.contains(#"value="probe north""#) && bad.text.contains(#"<option value="probe" selected>"#))
        let role = try await f.post(
            "/admin/tokens", form: ["csrf": csrf, "name": "probe-north", "role": "root"], session: admin)
        #expect(role.status == .unprocessableContent)
        #expect(try await f.store.tokens().isEmpty)
        let created = try await f.post(
            "/admin/tokens", form: ["csrf": csrf, "name": "probe-north", "role": "probe"], session: admin)
        #expect(created.status == .ok)
        #expect(created.headers[.cacheControl] == "no-store")
        let page = created.text
        let start = try #require(page.range(of: #"<p class="code" id="token-secret">"#))
        let secret = String(page[start.upperBound...].prefix { $0 != "<" })
        #expect(secret.hasPrefix("ftth_"))
        let token = try #require(try await f.store.token(secret: secret))
        #expect(token.name == "probe-north" && token.role == .probe && token.isActive)
        // Shown once: the list afterwards names the token, never its secret.
        let list = try await f.get("/admin/tokens", session: admin).text
        #expect(list.contains("probe-north") && !list.contains(secret))
        let taken = try await f.post(
            "/admin/tokens", form: ["csrf": csrf, "name": "probe-north", "role": "crew"], session: admin)
        #expect(taken.status == .unprocessableContent && taken.text.contains("exists already"))
        #expect(try await f.store.tokens().count == 1)
    }
}
