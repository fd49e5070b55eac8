import FTTHCore

/// The physical path between an OLT PON port and an ONT at a splitter port, and what it costs
/// in light. Fibre attenuation differs by wavelength: 1490 nm downstream, 1310 nm upstream.
public struct OpticalPath: Sendable, Hashable {
    /// OLT to the last-level splitter (feeder and distribution), km.
    public var fibreKm: Double
    /// Splitter port to the ONT, metres.
    public var dropMetres: Double
    public var ratio: SplitRatio
    /// The first-level splitter before the last-level one, in a two-level ODN (1:4 × 1:8 = 1:32).
    public var firstLevelRatio: SplitRatio?
    /// Mated connector pairs on the path.
    public var connectors: Int
    /// Fusion splices on the path.
    public var splices: Int
    /// Injected faults on this path.
    public var faults: [PathFault]
    /// How much more (or, negative, less) this path's connectors and splices lose than
    /// `connectors × connectorLoss + splices × spliceLoss`, the same both ways: the spread of real
    /// parts (`variation_seed`). 0 without variation.
    public var componentDeviationDB: Double

    public init(
        fibreKm: Double, dropMetres: Double, ratio: SplitRatio, firstLevelRatio: SplitRatio? = nil, connectors: Int,
        splices: Int, faults: [PathFault] = [], componentDeviationDB: Double = 0
    ) {
        self.componentDeviationDB = componentDeviationDB
        self.firstLevelRatio = firstLevelRatio
        self.fibreKm = fibreKm
        self.dropMetres = dropMetres
        self.ratio = ratio
        self.connectors = connectors
        self.splices = splices
        self.faults = faults
    }

    /// G.652.D at 1490 nm and 1310 nm (DESIGN §3), a typical mated connector and fusion splice.
    public static let dbPerKmDownstream = 0.25
    public static let dbPerKmUpstream = 0.35
    public static let connectorLoss = 0.3
    public static let spliceLoss = 0.05

    /// Whether the fibre is cut: no light either way.
    public var isBroken: Bool { faults.contains(.brokenFibre) }

    func faultLoss(downstream: Bool) -> Double {
        faults.reduce(0) { sum, fault in
            switch fault {
            case .dirtyConnector(let db): sum + db
            // A macrobend hurts longer wavelengths more: 1490 nm loses more than 1310 nm.
            case .macrobend(let db): sum + (downstream ? db : db * 0.5)
            case .brokenFibre: sum
            }
        }
    }

    func passiveLoss(dbPerKm: Double) -> Double {
        (fibreKm + dropMetres / 1000) * dbPerKm + ratio.typicalLoss.value + (firstLevelRatio?.typicalLoss.value ?? 0)
            + Double(connectors) * Self.connectorLoss
            + Double(splices) * Self.spliceLoss + componentDeviationDB
    }

    /// Loss OLT → ONT at 1490 nm.
    public var downstreamLoss: Double { passiveLoss(dbPerKm: Self.dbPerKmDownstream) + faultLoss(downstream: true) }
    /// Loss ONT → OLT at 1310 nm.
    public var upstreamLoss: Double { passiveLoss(dbPerKm: Self.dbPerKmUpstream) + faultLoss(downstream: false) }
    /// The distance the OLT ranges, metres.
    public var distanceMetres: Int { Int((fibreKm * 1000 + dropMetres).rounded()) }
}

/// A fault injected on an optical path.
public enum PathFault: Sendable, Hashable, CustomStringConvertible {
    /// A dirty or badly mated connector: N dB more both ways.
    case dirtyConnector(Double)
    /// A fibre bent too tightly: N dB more at 1490 nm, half of it at 1310 nm.
    case macrobend(Double)
    /// A cut fibre: no signal.
    case brokenFibre

    /// Parses `dirty-connector:1.5`, `macrobend:3`, `broken`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? Double(parts[1]) : nil) {
        case ("dirty-connector", .some(let db)) where db >= 0 && db < 50: self = .dirtyConnector(db)
        case ("macrobend", .some(let db)) where db >= 0 && db < 50: self = .macrobend(db)
        case ("broken", nil) where parts.count == 1: self = .brokenFibre
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .dirtyConnector(let db): "dirty-connector:\(db)"
        case .macrobend(let db): "macrobend:\(db)"
        case .brokenFibre: "broken"
        }
    }
}
