import FTTHCore
import Foundation
import Testing

/// The service rule (DESIGN §2 step 4) and the overall verdict it feeds.
@Suite("Service rule")
struct ServiceRuleTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func dialled(down: Double?, up: Double?) -> ServiceMeasurement {
        ServiceMeasurement(dialSucceeded: true, downMbps: down, upMbps: up, measuredAt: t0)
    }

    @Test(
        "each direction must reach the fraction of the plan; down is judged first",
        arguments: [
            (300.0, 300.0, nil), (240.0, 240.0, nil), (239.9, 300.0, "below_plan_down"),
            (300.0, 239.9, "below_plan_up"), (100.0, 100.0, "below_plan_down"), (nil, 300.0, "below_plan_down"),
            (300.0, nil, "below_plan_up"),
        ] as [(Double?, Double?, String?)])
    func throughputAgainstThePlan(down: Double?, up: Double?, code: String?) {
        let verdict = ServiceRule.judge(Self.dialled(down: down, up: up), planMbps: 300, minFraction: 0.8)
        #expect(verdict.verdict == (code == nil ? .pass : .fail))
        #expect(verdict.failure?.code == code)
        #expect(verdict.planMbps == 300)
        if code != nil { #expect(verdict.reason.contains("240 Mbit/s (80 % of the 300 Mbit/s plan)")) }
    }

    @Test func aFailedDialKeepsTheProbesCodeAndWordsWhateverItMeasured() {
        let m = ServiceMeasurement(
            dialSucceeded: false, failureCode: "auth_rejected", failureMessage: "CHAP authentication failed",
            downMbps: 900, upMbps: 900, measuredAt: Self.t0)
        let verdict = ServiceRule.judge(m, planMbps: 300, minFraction: 0.8)
        #expect(verdict.verdict == .fail)
        #expect(verdict.failure == .dial("auth_rejected"))
        #expect(verdict.reason.contains("CHAP authentication failed"))
        #expect(ServiceFailure(code: "auth_rejected") == .dial("auth_rejected"))
        #expect(ServiceFailure(code: "not_tested") == .notTested)
    }

    @Test func notTestedAndNoAccountSayWhatToDo() {
        let notTested = ServiceRule.notTested(waited: .seconds(1800), planMbps: 300, minFraction: 0.8)
        #expect(notTested.failure?.code == "not_tested")
        #expect(notTested.reason.contains("30 min"))
        #expect(notTested.reason.contains("ftth-probe run"))
        let none = ServiceRule.noTestAccount(planMbps: 300, minFraction: 0.8)
        #expect(none.failure?.code == "no_test_account")
        #expect(none.reason.contains("ftthctl import accounts"))
    }

    @Test(
        "overall: line and service when the project needs the service test, else the line alone",
        arguments: [Verdict.pass, .fail, nil] as [Verdict?], [Verdict.pass, .fail, nil] as [Verdict?])
    func overall(line: Verdict?, service: Verdict?) {
        #expect(PortVerdict(line: line, service: service, serviceRequired: false).overall == line)
        let both = PortVerdict(line: line, service: service, serviceRequired: true).overall
        if line == .fail || service == .fail {
            #expect(both == .fail)
        } else if line == .pass && service == .pass {
            #expect(both == .pass)
        } else {
            #expect(both == nil)
        }
    }

    @Test func aVerdictStoredBeforeServiceTestsNeedsBothParts() throws {
        let old = try JSONDecoder().decode(PortVerdict.self, from: Data(#"{"line": "pass"}"#.utf8))
        #expect(old.serviceRequired)
        #expect(old.overall == nil)
    }
}

/// `service_test` and `plan_mbps` in a project export.
@Suite("Project import: service test columns")
struct ServiceImportTests {
    static let header =
        "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,service_test,plan_mbps"

    func plan(_ rows: [String]) throws -> ProjectImportPlan {
        try ProjectImportPlan(csv: ([Self.header] + rows).joined(separator: "\n"), file: "p.csv")
    }

    func problems(_ rows: [String]) -> [String] {
        do {
            _ = try plan(rows)
            Issue.record("accepted")
            return []
        } catch let error as CSVProblems {
            return error.problems.map(\.description)
        } catch {
            Issue.record("\(error)")
            return []
        }
    }

    @Test func aPlanPerProjectOrPerSplitterIsImported() throws {
        let p = try plan([
            "S1,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-1,1:8,yes,300",
            "S1,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-2,1:8,是,1000",
        ])
        #expect(p.projects[0].value.serviceTest)
        #expect(p.splitters.map(\.value.planMbps) == [300, 1000])
    }

    @Test func withoutTheColumnsNothingChanges() throws {
        let p = try ProjectImportPlan(
            csv: """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
                P1,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-1,1:8
                """, file: "p.csv")
        #expect(!p.projects[0].value.serviceTest)
        #expect(p.splitters[0].value.planMbps == nil)
    }

    @Test func eachBadCellIsNamed() {
        let found = problems([
            "S1,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-1,1:8,yes,",
            "S2,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-2,1:8,maybe,300",
            "S3,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-3,1:8,yes,-5",
            "S4,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-4,1:8,yes,fast",
            "S5,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-5,1:8,yes,300",
            "S5,Court,OLT-A,10.0.0.1,huawei,0/1/0,100,SP-6,1:8,no,300",
        ])
        #expect(found.count == 5, "\(found)")
        #expect(found.contains { $0.contains("p.csv:2") && $0.contains("plan_mbps") && $0.contains("is empty") })
        #expect(found.contains { $0.contains("p.csv:3") && $0.contains("'maybe' is not yes or no") })
        #expect(found.contains { $0.contains("p.csv:4") && $0.contains("'-5' is not a plan rate") })
        #expect(found.contains { $0.contains("p.csv:5") && $0.contains("'fast' is not a plan rate") })
        #expect(found.contains { $0.contains("p.csv:7") && $0.contains("service_test") })
    }
}
