import ArgumentParser
import FTTHCore

struct ThresholdsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresholds", abstract: "Show the threshold profiles of the configuration.")

    @OptionGroup var configOptions: ConfigOptions
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let configuration = try configOptions.load()
        let profiles = configuration.profiles.values.sorted { $0.name < $1.name }
        func dbm(_ v: DBm?) -> JSONOutput { v.map { .number($0.decimalString) } ?? .null }
        func db(_ v: Decibels?) -> JSONOutput { v.map { .number($0.decimalString) } ?? .null }
        if json {
            print(
                JSONOutput.array(
                    profiles.map { p in
                        .object([
                            ("name", .string(p.name)), ("min_onu_rx_dbm", dbm(p.minONURx)),
                            ("max_onu_rx_dbm", dbm(p.maxONURx)), ("min_olt_rx_dbm", dbm(p.minOLTRx)),
                            ("max_downstream_attenuation_db", db(p.maxDownstreamAttenuation)),
                            ("max_upstream_attenuation_db", db(p.maxUpstreamAttenuation)),
                        ])
                    }
                ).rendered())
            return
        }
        var table = TextTable(
            "PROFILE", "MIN ONU RX dBm", "MAX ONU RX dBm", "MIN OLT RX dBm", "MAX DOWN dB", "MAX UP dB")
        for p in profiles {
            table.add([
                p.name, p.minONURx?.decimalString ?? "off", p.maxONURx?.decimalString ?? "off",
                p.minOLTRx?.decimalString ?? "off", p.maxDownstreamAttenuation?.decimalString ?? "off",
                p.maxUpstreamAttenuation?.decimalString ?? "off",
            ])
        }
        print(table.rendered())
    }
}
