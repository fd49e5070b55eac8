import FTTHCore

@testable import OLTSim

/// A small city for the CLI tests: one OLT of the given dialect with two PONs, a customer ONU,
/// two unconfigured test ONTs (one answering a password) and a broken splitter.
enum CLITestCity {
    static func toml(_ dialect: VendorDialect) -> String {
        let huawei = dialect == .huaweiMA5600T || dialect == .huaweiMA5800
        let pon1 = huawei ? "0/1/0" : "1/2/1"
        let pon2 = huawei ? "0/1/1" : "1/2/2"
        let customerID = huawei ? 0 : 1
        return """
            registration_seconds = 5
            [[olt]]
            name = "T"
            address = "10.0.0.1"
            dialect = "\(dialect.rawValue)"
            line_profiles = ["ftth-test"]
            service_profiles = ["ftth-test", "ZTE-F660"]
            [olt.cli]
            telnet_port = 0
            page_lines = 40
            [[olt.pon]]
            port = "\(pon1)"
            olt_tx_dbm = 3.2
            [[olt.pon.splitter]]
            name = "SP1"
            ratio = "1:8"
            fibre_km = 3
            [[olt.pon.splitter.ont]]
            port = 1
            serial = "HWTC0000A001"
            onu_id = \(customerID)
            name = "customer-1"
            [[olt.pon.splitter.ont]]
            port = 2
            serial = "HWTCA1B2C3D4"
            [[olt.pon.splitter.ont]]
            port = 3
            serial = "ZTEG00000003"
            password = "crew03"
            [[olt.pon]]
            port = "\(pon2)"
            [[olt.pon.splitter]]
            name = "SP-BROKEN"
            ratio = "1:8"
            faults = ["broken"]
            [[olt.pon.splitter.ont]]
            port = 1
            serial = "HWTC0000B001"
            """
    }

    static func make(_ dialect: VendorDialect) throws -> (OLTSimulator, ManualSimClock) {
        let clock = ManualSimClock()
        return (OLTSimulator(configuration: try SimConfiguration(toml: toml(dialect)), clock: clock), clock)
    }
}

extension SimCLIShell {
    /// Runs lines in order and returns the last reply.
    @discardableResult
    func run(_ lines: String...) -> SimCLIReply {
        var last = SimCLIReply(output: "", prompt: prompt)
        for line in lines { last = execute(line) }
        return last
    }
}
