import OLTSim

@testable import FTTHDrivers

/// The Huawei and ZTE drivers' parsers of command output: the text an OLT (or whoever answers on
/// its address) prints. Every parser reads every input.
enum CLIOutputFuzz {
    static let target = FuzzTarget(
        name: "cli", summary: "Huawei and ZTE CLI output parsers", run: run, seeds: seeds)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = HuaweiCLIOutput.clean(text)
        _ = HuaweiCLIOutput.opticalInfo(text)
        _ = HuaweiCLIOutput.infoSummary(text)
        _ = HuaweiCLIOutput.details(text)
        _ = HuaweiCLIOutput.addedONTID(text)
        _ = HuaweiCLIOutput.servicePorts(text)
        _ = HuaweiCLIOutput.portTxPower(text)
        _ = ZTECLIOutput.states(text)
        _ = ZTECLIOutput.baseInfo(text)
        _ = ZTECLIOutput.attenuation(text)
        _ = ZTECLIOutput.details(text)
        _ = ZTECLIOutput.runningConfig(text)
        _ = ZTECLIOutput.power(text)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64) {
            _ = ZTECLIOutput.labelledValues(line)
            for token in line.split(separator: " ").prefix(8) { _ = ZTECLIOutput.onuNumber(token) }
        }
    }

    /// The recorded Huawei outputs are copied by the script; this adds what olt-sim's Huawei and
    /// ZTE shells print for the commands the drivers run (no ZTE output is recorded yet).
    static func seeds(_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] {
        let simulator = OLTSimulator(configuration: .synthetic(olts: 2, onusPerOLT: 8))
        let scripts = [
            [
                "enable", "config", "display ont info summary 0/1/0", "display ont info 0 1 0 0",
                "display service-port port 0/1/0 ont 0", "interface gpon 0/1", "display port state 0",
                "display ont optical-info 0 all", "display ont optical-info 0 0",
            ],
            [
                "show gpon onu state gpon-olt_1/2/1", "show gpon onu baseinfo gpon-olt_1/2/1",
                "show pon power attenuation gpon-onu_1/2/1:1", "show gpon onu detail-info gpon-onu_1/2/1:1",
                "show running-config interface gpon-onu_1/2/1:1",
            ],
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (olt, script) in zip(simulator.olts, scripts) {
            let shell = olt.makeShell()
            for (index, line) in script.enumerated() {
                let reply = shell.execute(line)
                seeds.append(("cli-\(olt.config.name)-\(index)", Array((reply.output + reply.prompt).utf8)))
            }
        }
        return seeds
    }
}
