import FTTHCore
import FTTHReport
import FTTHWeb
import Foundation
import Testing

/// The diagnosis of where light is lost on the pages: under the verdict on the crew's run page
/// and the administrator's port page, per splitter on the splitter page and the report; the
/// verdict shown is the threshold profile's, whatever the diagnosis says.
@Suite struct WebDiagnosisTests {
    /// 2 km ranged through a 1:8 splitter should lose 12.30 dB down and 12.50 dB up; these lose
    /// 6 dB more each way, yet pass the build profile.
    static let lossy = OpticalReadings(
        oltTx: .dBm(DBm(3)), oltRx: .dBm(DBm(2 - 12.5 - 6)), onuTx: .dBm(DBm(2)), onuRx: .dBm(DBm(3 - 12.3 - 6)),
        distanceMetres: 2000)

    func finishedRun(_ f: WebFixture, port: Int) async throws -> TestRun {
        let key = PortKey(projectCode: "P1", splitter: "SP-A", port: port)
        let run = try await f.store.beginTestRun(
            key, serial: ONUSerial("HWTC7E570009"), profile: .build,
            configuredRanges: [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3009)!)], at: t0)
        _ = try await f.store.advanceTestRun(run.id, to: .awaitingOnline, onuID: 1, attempt: 0, outcome: nil, at: t0)
        _ = try await f.store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: t0)
        let verdict = ThresholdProfile.build.evaluate(Self.lossy)
        #expect(verdict.verdict == .pass)
        return try await f.store.finishTestRun(
            run.id, readings: Self.lossy, verdict: verdict, outcome: verdict.summary, at: t0)
    }

    @Test func theRunPageShowsWhereLightIsLostUnderAnUnchangedVerdict() async throws {
        let f = try await WebFixture()
        let run = try await finishedRun(f, port: 1)
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let page = try await f.get("/runs/\(run.id)", session: crew).text
        let verdictAt = try #require(page.range(of: #"class="verdict verdict-pass""#))
        let diagnosisAt = try #require(page.range(of: #"<section class="diagnosis place-port_or_drop""#))
        #expect(verdictAt.lowerBound < diagnosisAt.lowerBound)
        #expect(page.contains("合格"))
        // The place in large words in the crew's language, how sure, the evidence, the losses small.
        #expect(page.contains(#"<p class="diagnosis-place">本端口连接头或入户光缆"#))
        #expect(page.contains("(可能)"))
        #expect(page.contains("it is the only tested port of its splitter"))
        #expect(page.contains("18.30 dB (预计值 12.30 dB, +6.00 dB)"))
        // Rendered by the server, so it is there without JavaScript.
        #expect(page.contains("仅供参考"))

        // The splitter page sums the splitter up.
        let splitter = try await f.get("/projects/P1/splitters/SP-A", session: crew).text
        #expect(splitter.contains(#"<section class="diagnosis place-port_or_drop""#))
        #expect(splitter.contains("已比较端口 1 · 损耗过大端口 1"))

        // The administrator's port page, in English, under the latest result's verdict.
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let port = try await f.get("/admin/projects/P1/ports/SP-A/1", session: admin).text
        let resultAt = try #require(port.range(of: #"class="result result-pass""#))
        let shownAt = try #require(port.range(of: #"<p class="diagnosis-place">This port&#39;s connector or drop"#))
        #expect(resultAt.lowerBound < shownAt.lowerBound)
        #expect(port.contains("Ports compared 1"))
    }

    @Test func anUntestedSplitterAndPortShowNoDiagnosis() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        #expect(!(try await f.get("/projects/P1/splitters/SP-A", session: crew).text.contains("diagnosis")))
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        #expect(!(try await f.get("/admin/projects/P1/ports/SP-A/1", session: admin).text.contains("diagnosis-place")))
    }

    @Test func theReportPageHasADiagnosisColumnAndASectionPerSplitter() async throws {
        let f = try await WebFixture()
        _ = try await finishedRun(f, port: 2)
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let page = try await f.get("/projects/P1/report", session: admin).text
        #expect(page.contains(#"<h2 id="report-diagnosis">Where light is lost, per splitter</h2>"#))
        #expect(
            page.contains(
                "<th scope=\"row\">SP-A</th><td class=\"num\">1</td><td>2</td><td>This port&#39;s connector or drop</td>"
            ))
        #expect(page.contains("this port&#39;s connector or drop (possible): port 2 of SP-A loses"))
        let report = try await ProjectReport.load(project: "P1", from: f.store)
        #expect(report.header.last == "diagnosis")
        #expect(report.rows.map { $0.last?.value.isEmpty } == [true, false, true])
    }
}
