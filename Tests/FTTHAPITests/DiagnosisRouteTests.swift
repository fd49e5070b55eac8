import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHReport
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The diagnosis of where light is lost, as the API serves it: on a port's results, per
/// splitter on the activation list, and in the report; computed on read, so it refines as the
/// siblings of a port are tested.
@Suite struct DiagnosisRouteTests {
    /// Two 1:32 splitters on one PON port, 5 km from the OLT by design: each link should lose
    /// 17 + 4 × 0.3 + 2 × 0.05 + 5 × 0.25 = 19.55 dB down and 20.05 dB up.
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,feeder_km
        D1,Dim Court,HW-9,10.0.9.1,huawei-ma5800,0/1/0,1901,SP-X,1:32,3,5
        D1,Dim Court,HW-9,10.0.9.1,huawei-ma5800,0/1/0,1901,SP-Y,1:32,3,5
        """

    /// Records a result on `port` of `splitter` losing `extra` dB more than designed each way.
    func record(_ f: APIFixture, _ splitter: String, _ port: Int, extra: Double) async throws {
        let key = PortKey(projectCode: "D1", splitter: splitter, port: port)
        _ = try await f.store.recordActivation(
            key, serial: nil,
            configuredRanges: [CVLANRange(name: "t", olt: nil, first: VLANID(3000)!, last: VLANID(3010)!)], at: t0)
        let readings = OpticalReadings(
            oltTx: .dBm(DBm(3)), oltRx: .dBm(DBm(2 - 20.05 - extra)), onuTx: .dBm(DBm(2)),
            onuRx: .dBm(DBm(3 - 19.55 - extra)))
        try await f.store.recordLineResult(
            key, readings: readings, verdict: ThresholdProfile.build.evaluate(readings), at: t0)
    }

    func fixture() async throws -> APIFixture {
        let f = try await APIFixture()
        _ = try await f.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "d1.csv"), namingRule: .standard, source: "d1.csv", at: t0,
            progress: nil)
        return f
    }

    func results(_ f: APIFixture, _ splitter: String, _ port: Int) async throws -> PortResultsResponse {
        let response = try await f.request(
            .get, "/v1/projects/D1/ports/\(splitter)/\(port)/results", headers: f.headers(.crew))
        #expect(response.status == .ok)
        return try WireJSON.decoder().decode(PortResultsResponse.self, from: Data(response.text.utf8))
    }

    @Test func aPortWithoutAResultHasANullDiagnosis() async throws {
        let f = try await fixture()
        let response = try await f.request(.get, "/v1/projects/D1/ports/SP-X/1/results", headers: f.headers(.crew))
        #expect(response.text.contains(#""diagnosis":null"#))
        #expect(response.text.contains(#""splitter_diagnosis":null"#))
    }

    @Test func theDiagnosisRefinesAsTheSiblingsAreTested() async throws {
        let f = try await fixture()
        // Alone, a lossy port points at its own connector or drop, and asks for its neighbours.
        try await record(f, "SP-X", 1, extra: 5)
        let alone = try #require(try await results(f, "SP-X", 1).diagnosis)
        #expect(alone.place == "port_or_drop")
        #expect(alone.certainty == "possible")
        #expect(alone.basis == "design")
        #expect(alone.measuredDownstreamDB == 24.55)
        #expect(alone.predictedDownstreamDB == 19.55)
        #expect(alone.excessDownstreamDB == 5)
        #expect(alone.excessUpstreamDB == 5)
        #expect(alone.evidence.contains("test its neighbours"))

        // Every port of SP-X lossy, SP-Y on the same PON port fine: the splitter or its input.
        try await record(f, "SP-X", 2, extra: 5.2)
        try await record(f, "SP-X", 3, extra: 4.8)
        try await record(f, "SP-Y", 1, extra: 0.2)
        try await record(f, "SP-Y", 2, extra: -0.1)
        let body = try await results(f, "SP-X", 1)
        let refined = try #require(body.diagnosis)
        #expect(refined.place == "splitter")
        #expect(refined.certainty == "sure")
        #expect(refined.evidence.contains("SP-Y"))
        #expect(refined.summary.hasPrefix("the splitter or its input (sure)"))
        let splitter = try #require(body.splitterDiagnosis)
        #expect(splitter.splitter == "SP-X" && splitter.tested == 3 && splitter.lossyPorts == [1, 2, 3])
        #expect(splitter.place == "splitter")
        // Advisory: the verdict of the port is the threshold profile's, whatever the diagnosis says.
        #expect(body.port.lineVerdict == body.results.last?.verdict)

        // A healthy port of SP-Y loses what its design predicts.
        let fine = try #require(try await results(f, "SP-Y", 1).diagnosis)
        #expect(fine.place == "none" && fine.certainty == "sure")

        // The activation list carries each splitter's diagnosis.
        let list = try await f.request(.get, "/v1/projects/D1/activation-list", headers: f.headers(.crew))
        let decoded = try WireJSON.decoder().decode(ActivationListResponse.self, from: Data(list.text.utf8))
        #expect(decoded.splitters?.map(\.splitter) == ["SP-X", "SP-Y"])
        #expect(decoded.splitters?.map(\.place) == ["splitter", "none"])

        // The report: a diagnosis column per port at the end, and a section per splitter.
        let csv = try await f.request(.get, "/v1/projects/D1/report.csv", headers: f.headers(.crew)).text
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines[0].hasSuffix(",tested_at,tested_by,diagnosis"))
        #expect(lines[1].hasPrefix("SP-X,1,") && lines[1].contains(",the splitter or its input (sure): all 3"))
        #expect(lines[6].hasPrefix("SP-Y,3,") && lines[6].hasSuffix(",,,"))
        let xlsx = try await f.request(.get, "/v1/projects/D1/report.xlsx", headers: f.headers(.crew))
        let data = Data(xlsx.body.readableBytesView)
        let report = try await ProjectReport.load(project: "D1", from: f.store)
        #expect(report.splitterDiagnoses.map(\.splitter.name) == ["SP-X", "SP-Y"])
        #expect(
            report.diagnosisRows[0].map(\.value)[0...4] == ["SP-X", "3", "1 2 3", "the splitter or its input", "sure"])
        #expect(try XLSXSheetReader(data: data).rows.count == lines.count)
        #expect(String(decoding: data, as: UTF8.self).contains("xl/worksheets/sheet3.xml"))
    }

    /// `[diagnosis]` reaches the API: a wider margin makes the same port fine.
    @Test func theConfiguredMarginIsTheOneTheAPIUses() async throws {
        let configuration = try AcceptdConfiguration(toml: "[diagnosis]\nmargin_db = 6\n")
        let f = try await APIFixture(configuration: configuration)
        _ = try await f.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "d1.csv"), namingRule: .standard, source: "d1.csv", at: t0,
            progress: nil)
        try await record(f, "SP-X", 1, extra: 5)
        #expect(try await results(f, "SP-X", 1).diagnosis?.place == "none")
    }

    /// `/v1/events`: the event of a recorded result carries both diagnoses; a client of an older
    /// daemon, whose events have none, still decodes them.
    @Test func theProgressEventCarriesTheDiagnosisOnTheWire() async throws {
        let f = try await APIFixture()
        let run = try await f.beginTest()
        let diagnosis = Diagnosis(
            place: .splitter, certainty: .likely, measuredDownstream: Decibels(24.6),
            predictedDownstream: Decibels(20.5), basis: .design, evidence: "check the splitter input first")
        let splitter = SplitterDiagnosis(
            splitter: SplitterKey(projectCode: "P1", name: "SP-A"), tested: 2, lossyPorts: [1, 2], place: .splitter,
            certainty: .likely, evidence: "check the splitter input first")
        let event = ProgressEventResponse(
            run: run, message: "line fail", verdict: nil, diagnosis: diagnosis, splitterDiagnosis: splitter)
        let data = try WireJSON.encoder().encode(event)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""place":"splitter""#))
        #expect(text.contains(#""excess_downstream_db":4.1"#))
        #expect(text.contains(#""excess_upstream_db":null"#))
        #expect(text.contains(#""lossy_ports":[1,2]"#))
        let back = try WireJSON.decoder().decode(ProgressEventResponse.self, from: data)
        #expect(back.diagnosis == DiagnosisWire(diagnosis))
        #expect(back.splitterDiagnosis?.summary == splitter.summary)
        let older = try WireJSON.decoder().decode(
            ProgressEventResponse.self,
            from: try WireJSON.encoder().encode(ProgressEventResponse(run: run, message: "m", verdict: nil)))
        #expect(older.diagnosis == nil && older.splitterDiagnosis == nil)
    }
}
