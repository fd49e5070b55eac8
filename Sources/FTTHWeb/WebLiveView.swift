import FTTHCore
import Foundation

/// The values of the run page's live view: the four powers (who measures each) and both
/// attenuations, and the service test's state, phases and speeds. The page renders what the
/// store holds now; `live.js` fills the same rows from the progress events as they arrive.
enum WebLiveView {
    /// Keys of the rows, as the ids `live-<key>` the script fills and the event's field names.
    static let powers: [(key: String, label: String, by: String)] = [
        ("olt_tx", "olt_tx", "live_by_olt"), ("olt_rx", "olt_rx", "live_by_olt"),
        ("onu_tx", "onu_tx", "live_by_onu"), ("onu_rx", "onu_rx", "live_by_onu"),
    ]
    static let phases: [(key: String, label: String)] = [
        ("padi_pado", "live_phase_padi"), ("padr_pads", "live_phase_padr"), ("lcp", "live_phase_lcp"),
        ("auth", "live_phase_auth"), ("ipcp", "live_phase_ipcp"), ("total", "live_phase_total"),
    ]

    static func values(run: TestRun, store: any WebStore, strings: [String: String]) async throws -> [String: Any] {
        let s = { (key: String) in strings[key] ?? key }
        let result = try await store.lineResult(runID: run.id)
        let readings = result?.readings
        let verdict = result?.verdict
        func power(_ key: String) -> PowerReading? {
            switch key {
            case "olt_tx": readings?.oltTx
            case "olt_rx": readings?.oltRx
            case "onu_tx": readings?.onuTx
            default: readings?.onuRx
            }
        }
        var rows: [[String: Any]] = powers.map { row in
            var values: [String: Any] = ["key": row.key, "label": s(row.label), "by": s(row.by)]
            if let reading = power(row.key) {
                values["value"] = reading.value.map(\.description) ?? s("no_value")
            }
            return values
        }
        for (key, label, loss) in [
            ("down_att", "down_att", verdict?.downstreamAttenuation),
            ("up_att", "up_att", verdict?.upstreamAttenuation),
        ] {
            var values: [String: Any] = ["key": key, "label": s(label)]
            if result != nil { values["value"] = loss.map(\.description) ?? s("no_value") }
            rows.append(values)
        }
        var live: [String: Any] = ["readings": rows]
        if let result { live["readAt"] = WebEvidenceView.time(result.at) }
        let test = try await store.serviceTest(runID: run.id)
        live["service"] = service(test, strings: strings)
        live["serviceHidden"] = test == nil
        live["showService"] = test != nil || run.step.isActive
        return live
    }

    /// The service test's state, phases and speeds; empty rows (for the live script to fill)
    /// when there is no service test yet.
    static func service(_ test: ServiceTest?, strings: [String: String]) -> [String: Any] {
        let s = { (key: String) in strings[key] ?? key }
        let measurement = test?.verdict?.measurement
        let times: [String: Int?] = [
            "padi_pado": measurement?.phases.padiToPADO, "padr_pads": measurement?.phases.padrToPADS,
            "lcp": measurement?.phases.lcp, "auth": measurement?.phases.authentication,
            "ipcp": measurement?.phases.ipcp, "total": measurement?.phases.total,
        ]
        var rows: [[String: Any]] = phases.map { phase in
            ["key": phase.key, "label": s(phase.label), "value": (times[phase.key] ?? nil).map { "\($0) ms" } ?? "—"]
        }
        func mbps(_ value: Double?) -> String { value.map { String(format: "%.1f Mbit/s", $0) } ?? "—" }
        rows.append(["key": "down", "label": s("live_down"), "value": mbps(measurement?.downMbps)])
        rows.append(["key": "up", "label": s("live_up"), "value": mbps(measurement?.upMbps)])
        let state: String
        switch (test?.verdict, test?.state) {
        case (.some(let verdict), _): state = "\(s("live_service_judged")): \(s("verdict_\(verdict.verdict.rawValue)"))"
        case (nil, .claimed?): state = s("live_service_dialling") + (test?.claimedBy.map { " (\($0))" } ?? "")
        case (nil, _): state = s("live_service_waiting")
        }
        var values: [String: Any] = ["stateText": state, "rows": rows]
        if let verdict = test?.verdict { values["reason"] = verdict.reason }
        return values
    }
}
