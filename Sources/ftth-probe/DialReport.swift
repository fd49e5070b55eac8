import Foundation
import PPPCore
import PPPoELink

/// Everything one dial found out, for the human summary and the JSON object.
struct DialReport {
    var interface: String
    var vlan: UInt16?
    var result = "fail"
    var reasonCode: String?
    var reasonText: String?
    var timings: PPPoETimings?
    var session: PPPoESessionInfo?
    var tunName: String?
    var execStatus: Int32?
    var downMbps: Double?
    var upMbps: Double?
    var rttMs: Double?
    /// The log lines with their time since the dial started (ms).
    var lines: [(milliseconds: Double, text: String)] = []

    init(interface: String, vlan: UInt16?) {
        self.interface = interface
        self.vlan = vlan
    }

    mutating func log(elapsed: Duration, _ text: String) {
        lines.append((elapsed.milliseconds, text))
    }

    mutating func up(_ info: PPPoESessionInfo, tunName: String) {
        session = info
        timings = info.timings
        self.tunName = tunName
    }

    /// A dial passes when the session came up and ended because we hung up.
    mutating func finish(_ outcome: PPPoEOutcome, timings: PPPoETimings?) {
        if let timings { self.timings = timings }
        switch outcome {
        case .closed:
            if session != nil {
                result = "pass"
            } else {
                result = "fail"
                reasonCode = "hung_up"
                reasonText = "the probe hung up before the session was up (a signal or a request)"
            }
        case .failed(let failure):
            result = "fail"
            reasonCode = failure.code
            reasonText = failure.description
        }
    }

    /// The figures of `--iperf3`; a session that came up but could not be measured fails.
    mutating func throughput(_ figures: DialThroughput.Figures) {
        downMbps = figures.down
        upMbps = figures.up
        rttMs = figures.rtt
        if let error = figures.error, result == "pass" {
            result = "fail"
            reasonCode = "throughput_failed"
            reasonText = error
        }
    }

    /// The link (pcap, TUN) failed: the dial fails with the link's own code and sentence.
    mutating func failLink(_ error: any Error) {
        result = "fail"
        if let error = error as? PPPoELinkError {
            reasonCode = error.code.rawValue
        } else {
            reasonCode = "link_error"
        }
        reasonText = "\(error)"
    }

    /// Phase name (as in the JSON) → milliseconds, nil where the phase was not reached.
    var phases: [(String, Double?)] {
        let values = timings?.milliseconds ?? [:]
        return ["padi_pado", "padr_pads", "lcp", "auth", "ipcp", "total"].map { ($0 + "_ms", values[$0]) }
    }

    /// The JSON object: `result`, `phases`, `reason`, `ip`, `dns`, `mru`, `mss`, … with null for
    /// what is unknown (`down_mbps`, `up_mbps`, `rtt_ms` are measured with --iperf3 only).
    func jsonObject() -> [String: Any] {
        func rounded(_ value: Double?) -> Any { value.map { ($0 * 10).rounded() / 10 } ?? NSNull() }
        var phaseObject: [String: Any] = [:]
        for (key, value) in phases { phaseObject[key] = rounded(value) }
        var reason: Any = NSNull()
        if let reasonCode { reason = ["code": reasonCode, "message": reasonText ?? ""] }
        return [
            "result": result,
            "phases": phaseObject,
            "reason": reason,
            "ip": session.map { TunDevice.dotted($0.localIP) } ?? NSNull(),
            "peer": session.map { TunDevice.dotted($0.peerIP) } ?? NSNull(),
            "dns": session.map { $0.dns.map(TunDevice.dotted) } ?? [],
            "mru": session?.mru ?? NSNull(),
            "mss": session?.mss ?? NSNull(),
            "ac_name": session?.acName ?? NSNull(),
            "ac_mac": session.map { $0.acMAC.map { String(format: "%02x", $0) }.joined(separator: ":") } ?? NSNull(),
            "session_id": session.map { Int($0.sessionID) } ?? NSNull(),
            "interface": interface,
            "vlan": vlan.map { Int($0) } ?? NSNull(),
            "tun": tunName ?? NSNull(),
            "down_mbps": rounded(downMbps),
            "up_mbps": rounded(upMbps),
            "rtt_ms": rounded(rttMs),
            "exec_status": execStatus.map { Int($0) } ?? NSNull(),
            "log": lines.map { ["t_ms": rounded($0.milliseconds), "text": $0.text] as [String: Any] },
        ]
    }

    /// The object as one line of JSON with sorted keys.
    func jsonText() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: jsonObject(), options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    /// Whole and fractional milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
