import FTTHCore
import TOMLKit

extension ServiceTestPolicy {
    /// Reads `[service]`; every key is optional. Throws ``ConfigurationError`` naming the key.
    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["min_fraction", "duration_s", "wait_minutes", "iperf3_server", "service_name", "ac_name", "vlan"])
        minFraction = try r.double("min_fraction", default: minFraction, range: 0.01...1)
        durationSeconds = try r.int("duration_s", default: durationSeconds, range: 1...300)
        let minutes = try r.int("wait_minutes", default: Int(wait.components.seconds / 60), range: 1...1440)
        wait = .seconds(minutes * 60)
        func text(_ k: String, _ what: String) throws -> String {
            guard let v = r.table[k] else { return "" }
            guard let s = v.string else { throw r.error(k, "must be a string: \(what)") }
            if let bad = s.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                throw r.error(
                    k, "contains control character U+\(String(bad.value, radix: 16, uppercase: true)); remove it")
            }
            return s
        }
        iperf3Server = try text("iperf3_server", "the iperf3 server as host or host:port, or \"\" for none")
        serviceName = try text("service_name", "the PPPoE Service-Name to ask for, or \"\" for any")
        acName = try text("ac_name", "the access concentrator's name, or \"\" for the first that answers")
        if r.table["vlan"] != nil {
            vlan = try r.int("vlan", default: 0, range: 0...4094)
        }
    }
}
