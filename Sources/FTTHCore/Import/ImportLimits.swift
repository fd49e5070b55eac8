/// The plausibility limits of a project import (`[import]` in ftth-acceptd.toml): a file that
/// breaks one is refused with a problem naming the row, project or PON port and the limit, so a
/// runaway export (400,000 projects, 55,000 splitters on one PON port) never reaches the store.
/// The one place these rules live: the file check (``ProjectImportPlan``) and the store, which
/// adds what a PON port already carries, both ask ``ponProblem(olt:pon:splitters:ports:)``.
public struct ImportLimits: Sendable, Hashable {
    /// Bytes of one uploaded or read file. A city's export of 1,000 projects is a few MB.
    public var maxFileBytes: Int
    /// Data rows (one per splitter) of one file.
    public var maxRows: Int
    /// Distinct projects in one file.
    public var maxProjects: Int
    /// Last-level splitters on one PON port, stored and imported together.
    public var maxSplittersPerPON: Int
    /// Splitter ports on one PON port, stored and imported together: a GPON port carries at most
    /// 128 ONUs, so more ports than that cannot all be served.
    public var maxPortsPerPON: Int

    /// The defaults: 16 MiB, 50,000 rows, 1,000 projects, 64 splitters and 128 ports per PON port.
    public init(
        maxFileBytes: Int = 16 * 1024 * 1024, maxRows: Int = 50_000, maxProjects: Int = 1_000,
        maxSplittersPerPON: Int = 64, maxPortsPerPON: Int = 128
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxRows = maxRows
        self.maxProjects = maxProjects
        self.maxSplittersPerPON = maxSplittersPerPON
        self.maxPortsPerPON = maxPortsPerPON
    }

    /// The defaults of ``init(maxFileBytes:maxRows:maxProjects:maxSplittersPerPON:maxPortsPerPON:)``.
    public static let standard = ImportLimits()

    /// What is wrong with PON port `pon` of OLT `olt` carrying `splitters` splitters with `ports`
    /// ports in all, or nil when that is plausible. The sentence names the limit and its key.
    public func ponProblem(olt: ManagementAddress, pon: PONAddress, splitters: Int, ports: Int) -> String? {
        if splitters > maxSplittersPerPON {
            return
                "PON port \(pon) of OLT \(olt) would carry \(splitters) splitters; at most \(maxSplittersPerPON) are plausible (import.max_splitters_per_pon): check the export, or raise the limit if the plant really is built so"
        }
        if ports > maxPortsPerPON {
            return
                "PON port \(pon) of OLT \(olt) would carry \(ports) splitter ports; a GPON port serves at most \(maxPortsPerPON) ONUs (import.max_ports_per_pon): check the export's ratios and splitter_ports"
        }
        return nil
    }

    /// The refusal of a file longer than ``maxFileBytes``.
    public func fileTooLarge(file: String, bytes: Int) -> CSVProblems {
        CSVProblems(
            [
                CSVProblem(
                    CSVLocation(file: file, line: 1),
                    "the file has more than \(maxFileBytes) bytes (import.max_file_bytes; \(bytes) read so far): split the export into files of at most \(maxProjects) projects"
                )
            ], code: "import.too_large")
    }
}
