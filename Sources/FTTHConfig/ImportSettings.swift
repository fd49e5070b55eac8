import FTTHCore

extension ImportLimits {
    /// Reads `[import]` of ftth-acceptd.toml; every key is optional and takes the default of
    /// ``ImportLimits/standard``. Throws ``ConfigurationError`` naming the key.
    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow([
            "max_file_bytes", "max_rows", "max_projects", "max_splitters_per_pon", "max_ports_per_pon",
        ])
        maxFileBytes = try r.int("max_file_bytes", default: maxFileBytes, range: 1024...(1 << 30))
        maxRows = try r.int("max_rows", default: maxRows, range: 1...10_000_000)
        maxProjects = try r.int("max_projects", default: maxProjects, range: 1...1_000_000)
        maxSplittersPerPON = try r.int("max_splitters_per_pon", default: maxSplittersPerPON, range: 1...1024)
        maxPortsPerPON = try r.int("max_ports_per_pon", default: maxPortsPerPON, range: 1...4096)
    }
}
