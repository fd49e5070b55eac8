/// Where on the way from the OLT to a test ONT light is lost: the places the daemon's diagnosis
/// tells apart, and where olt-sim can put a fault. Raw values are the names in `truth.json`.
public enum SimFaultPlace: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// At the OLT's PON port or its ODF (`olt_port_faults`): every splitter of the PON suffers it,
    /// both directions alike; the OLT's reported tx does not change.
    case oltPort = "olt_port"
    /// In the feeder before the first-level splitter (`feeder_faults`): every splitter of the PON.
    /// A macrobend costs more at 1490 nm than at 1310 nm.
    case feeder
    /// The splitter's input: its feeder leg, the splitter, its input connector (the splitter's
    /// `faults`): every port of that splitter.
    case splitterInput = "splitter_input"
    /// One output connector of the splitter (`connector_faults` of a `[[…port]]`): that port only,
    /// whichever ONT is plugged in it.
    case splitterPort = "splitter_port"
    /// That port's drop cable (`drop_faults` of a `[[…port]]`, or an ONT's `faults`): that port only.
    case drop
    /// The test ONT's own connector (`faults` of a `[[olt.crew_ont]]`, `ont_faults` of an ONT): it
    /// goes with the ONT's serial to every port the ONT is plugged into.
    case ontConnector = "ont_connector"

    public var description: String { rawValue }
}

/// What a fault is, as `truth.json` names it.
public enum SimFaultKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A dirty or badly mated connector: the same loss both ways.
    case dirtyConnector = "dirty_connector"
    /// A fibre bent too tightly: its loss at 1490 nm, half of it at 1310 nm.
    case macrobend
    /// A cut: no light either way.
    case broken

    /// The fault on an optical path, with `db` for the two kinds that have a size.
    public func pathFault(db: Double) -> PathFault {
        switch self {
        case .dirtyConnector: .dirtyConnector(db)
        case .macrobend: .macrobend(db)
        case .broken: .brokenFibre
        }
    }
}
