import ArgumentParser
import FTTHWire
import Foundation

struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "A port's results and history, or a project's activation list with verdicts, from the daemon.",
        discussion: """
            With --splitter and --port: the port's latest powers, attenuations and verdict, its earlier \
            results and its history. Without them: every port of the project with its verdicts.
            Exit status: 0 shown; 2 the daemon refused the request; 3 no daemon answered; 64 usage.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Project code.")
    var project: String
    @Option(name: .long, help: "Splitter name (with --port).")
    var splitter: String?
    @Option(name: .long, help: "Splitter port number (with --splitter).")
    var port: Int?
    @Flag(name: .long, help: "Print the daemon's JSON.")
    var json = false

    func validate() throws {
        guard (splitter == nil) == (port == nil) else {
            throw ValidationError("give --splitter and --port together for one port, or neither for the whole project")
        }
        if let port, port < 1 { throw ValidationError("--port must be a splitter port number from 1, not \(port)") }
    }

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            if let splitter, let port {
                try await showPort(client, splitter: splitter, port: port)
            } else {
                try await showProject(client)
            }
        }
    }

    func showPort(_ client: DaemonClient, splitter: String, port: Int) async throws {
        let label = "\(project) \(splitter) port \(port)"
        let (body, data) = try await client.send(
            "GET", ["v1", "projects", project, "ports", splitter, String(port), "results"],
            as: PortResultsResponse.self,
            action: "reading the results of \(label)")
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let row = body.port
        print(
            "\(label): test ONU \(row.onuName) on OLT \(row.oltIP) PON \(row.ponPort), activation \(row.activationStatus), "
                + "test \(row.testStatus), line \(row.lineVerdict ?? "-"), service \(row.serviceVerdict ?? "-"), overall \(row.overallVerdict ?? "-")"
        )
        guard let latest = body.results.last else {
            print("no result yet: `ftthctl test start --project \(project) --splitter \(splitter) --port \(port)`")
            return
        }
        print(PortResultText.summary(latest, of: label))
        if let line = PortResultText.diagnosis(body) { print(line) }
        if body.results.count > 1 {
            print("\nresults, oldest first:")
            var table = TextTable(
                "AT", "PROFILE", "VERDICT", "OLT TX", "OLT RX", "ONU TX", "ONU RX", "DOWN dB", "UP dB")
            for r in body.results {
                let values: [Double?] = [
                    r.oltTxDBm, r.oltRxDBm, r.onuTxDBm, r.onuRxDBm, r.downstreamAttenuationDB, r.upstreamAttenuationDB,
                ]
                table.add(
                    [r.at.formatted(.iso8601), r.profile, r.verdict]
                        + values.map { $0.map(PortResultText.decimal) ?? "-" })
            }
            print(table.rendered())
        }
        if !body.history.isEmpty {
            print("\nhistory:")
            var table = TextTable("AT", "EVENT", "DETAIL")
            for h in body.history { table.add([h.at.formatted(.iso8601), h.event, h.detail]) }
            print(table.rendered())
        }
    }

    func showProject(_ client: DaemonClient) async throws {
        let (list, data) = try await client.send(
            "GET", ["v1", "projects", project, "activation-list"], as: ActivationListResponse.self,
            action: "reading the activation list of \(project)")
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if list.ports.isEmpty {
            print("project \(project) has no ports")
            return
        }
        var table = TextTable(
            "SPLITTER", "PORT", "TEST ONU", "OLT IP", "PON", "CVLAN", "ACTIVATION", "TEST", "LINE", "SERVICE", "OVERALL"
        )
        for r in list.ports {
            table.add([
                r.splitter, String(r.splitterPort), r.onuName, r.oltIP, r.ponPort, r.cvlan.map(String.init) ?? "-",
                r.activationStatus, r.testStatus, r.lineVerdict ?? "-", r.serviceVerdict ?? "-",
                r.overallVerdict ?? "-",
            ])
        }
        print(table.rendered())
        let tested = list.ports.filter { $0.lineVerdict != nil }
        let failed = tested.filter { $0.lineVerdict == "fail" }.count
        print(
            "\(list.ports.count) port(s): \(tested.count) tested, \(tested.count - failed) line pass, \(failed) line fail"
        )
        let diagnosed = (list.splitters ?? []).filter { $0.tested > 0 }
        if !diagnosed.isEmpty {
            print("\nwhere light is lost, per splitter (advisory; the verdicts stand):")
            for splitter in diagnosed { print("  \(splitter.summary)") }
        }
    }
}

/// The text form of one line result: the four powers, both attenuations, the verdict, the reasons.
enum PortResultText {
    /// Two decimals, as the daemon keeps them (-21.4 → "-21.40").
    static func decimal(_ value: Double) -> String { String(format: "%.2f", value) }

    static func summary(_ r: LineResultResponse, of label: String) -> String {
        func dbm(_ v: Double?) -> String { v.map { decimal($0) + " dBm" } ?? "no reading" }
        func db(_ v: Double?) -> String { v.map { decimal($0) + " dB" } ?? "not computed" }
        var lines = [
            "\(label): line \(r.verdict.uppercased()) (profile \(r.profile), \(r.at.formatted(.iso8601)))",
            "  OLT tx  \(dbm(r.oltTxDBm))",
            "  OLT rx  \(dbm(r.oltRxDBm))",
            "  ONU tx  \(dbm(r.onuTxDBm))",
            "  ONU rx  \(dbm(r.onuRxDBm))",
            "  downstream attenuation (OLT tx - ONU rx)  \(db(r.downstreamAttenuationDB))",
            "  upstream attenuation (ONU tx - OLT rx)    \(db(r.upstreamAttenuationDB))",
        ]
        lines += r.reasons.isEmpty ? ["  reasons: none"] : ["  reasons:"] + r.reasons.map { "  - \($0)" }
        let warnings = r.warnings ?? []
        if !warnings.isEmpty { lines += ["  warnings (advisory, not a failure):"] + warnings.map { "  - \($0)" } }
        return lines.joined(separator: "\n")
    }

    /// `  where light is lost (advisory): …` and the splitter's line; nil without a diagnosis.
    static func diagnosis(_ body: PortResultsResponse) -> String? {
        guard let d = body.diagnosis else { return nil }
        var lines = ["  where light is lost (advisory; the verdict stands): \(d.summary)"]
        if let s = body.splitterDiagnosis { lines.append("  splitter \(s.summary)") }
        return lines.joined(separator: "\n")
    }
}
