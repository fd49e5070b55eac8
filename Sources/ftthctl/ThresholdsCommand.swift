import ArgumentParser
import FTTHCore

struct ThresholdsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresholds",
        abstract: "Show the threshold profiles in force: the store's, as the daemon judges with them.",
        discussion: """
            The store holds the profiles in force: seeded from the configuration at the daemon's \
            first start, changed by administrators through the API. A check marked (advisory) \
            only warns; the others fail the port.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let (configuration, store) = try await storeOptions.open()
        let profiles = try await store.thresholdProfiles(configured: configuration.profiles)
        if json {
            print(
                JSONOutput.array(
                    profiles.map { p in
                        var fields: [(String, JSONOutput)] = [("name", .string(p.name))]
                        for key in ThresholdKey.allCases {
                            fields.append((key.rawValue, p.decimalString(key).map(JSONOutput.number) ?? .null))
                        }
                        fields.append(
                            (
                                "binding",
                                .object(ThresholdKey.allCases.map { ($0.rawValue, JSONOutput.bool(p.binds($0.check))) })
                            ))
                        return .object(fields)
                    }
                ).rendered())
            return
        }
        var table = TextTable(
            "PROFILE", "MIN ONU RX dBm", "MAX ONU RX dBm", "MIN OLT RX dBm", "MAX DOWN dB", "MAX UP dB")
        for p in profiles {
            table.add(
                [p.name]
                    + ThresholdKey.allCases.map { key in
                        guard let value = p.decimalString(key) else { return "off" }
                        return p.binds(key.check) ? value : "\(value) (advisory)"
                    })
        }
        print(table.rendered())
    }
}
