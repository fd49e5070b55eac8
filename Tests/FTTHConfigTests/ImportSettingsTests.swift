import FTTHConfig
import FTTHCore
import Testing

/// `[import]` in ftth-acceptd.toml: the plausibility limits of a project import.
@Suite struct ImportSettingsTests {
    @Test func theDefaultsAreSixteenMebibytesAThousandProjectsAndAGPONPortsOneHundredTwentyEight() throws {
        let limits = try AcceptdConfiguration(toml: "").importLimits
        #expect(limits == .standard)
        #expect(limits.maxFileBytes == 16 * 1024 * 1024)
        #expect(limits.maxRows == 50_000)
        #expect(limits.maxProjects == 1_000)
        #expect(limits.maxSplittersPerPON == 64)
        #expect(limits.maxPortsPerPON == 128)
    }

    @Test func everyKeyIsRead() throws {
        let limits = try AcceptdConfiguration(
            toml: """
                [import]
                max_file_bytes = 1048576
                max_rows = 10
                max_projects = 5
                max_splitters_per_pon = 32
                max_ports_per_pon = 64
                """
        ).importLimits
        #expect(
            limits
                == ImportLimits(
                    maxFileBytes: 1_048_576, maxRows: 10, maxProjects: 5, maxSplittersPerPON: 32, maxPortsPerPON: 64))
    }

    @Test(arguments: [
        ("max_projects = 0", "import.max_projects"), ("max_ports_per_pon = \"many\"", "import.max_ports_per_pon"),
        ("max_file_bytes = 10", "import.max_file_bytes"), ("max_port_per_pon = 64", "import.max_port_per_pon"),
    ])
    func aBadValueNamesItsKey(line: String, key: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try AcceptdConfiguration(toml: "[import]\n\(line)\n")
        }
        #expect(error?.key == key)
    }
}
