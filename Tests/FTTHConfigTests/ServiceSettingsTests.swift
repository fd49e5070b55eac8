import FTTHConfig
import FTTHCore
import Testing

/// `[service]` in ftth-acceptd.toml.
@Suite struct ServiceSettingsTests {
    @Test func theDefaultsAreEightyPercentTenSecondsAndHalfAnHour() throws {
        let policy = try AcceptdConfiguration(toml: "").service
        #expect(policy == ServiceTestPolicy())
        #expect(policy.minFraction == 0.8)
        #expect(policy.durationSeconds == 10)
        #expect(policy.wait == .seconds(1800))
        #expect(policy.vlan == nil)
        #expect(policy.iperf3Server.isEmpty && policy.serviceName.isEmpty && policy.acName.isEmpty)
    }

    @Test func everyKeyIsRead() throws {
        let policy = try AcceptdConfiguration(
            toml: """
                [service]
                min_fraction = 0.9
                duration_s = 15
                wait_minutes = 45
                iperf3_server = "10.9.0.1:5201"
                service_name = "internet"
                ac_name = "BRAS-East"
                vlan = 0
                """
        ).service
        #expect(
            policy
                == ServiceTestPolicy(
                    minFraction: 0.9, durationSeconds: 15, wait: .seconds(2700), iperf3Server: "10.9.0.1:5201",
                    serviceName: "internet", acName: "BRAS-East", vlan: 0))
    }

    @Test(arguments: [
        ("min_fraction = 0", "service.min_fraction"), ("min_fraction = 1.5", "service.min_fraction"),
        ("duration_s = 0", "service.duration_s"), ("wait_minutes = 0", "service.wait_minutes"),
        ("vlan = 4095", "service.vlan"), ("iperf3_server = 5201", "service.iperf3_server"),
        ("ac_name = \"a\\nb\"", "control character"), ("speed = 1", "service.speed"),
    ])
    func aBadValueNamesItsKey(line: String, words: String) {
        #expect {
            _ = try AcceptdConfiguration(toml: "[service]\n" + line)
        } throws: { error in
            "\(error)".contains(words)
        }
    }
}
