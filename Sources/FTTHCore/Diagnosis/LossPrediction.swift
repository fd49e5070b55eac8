/// The figures a link's loss is predicted with (`../docs/diagnosis.md`): fibre per km at each
/// wavelength, a mated connector, a fusion splice, each splitter ratio, and how many connectors
/// and splices a splitter stage brings when the design does not count them. Configurable in the
/// daemon's `[diagnosis]` table; the defaults are the typical G.652.D and PLC figures.
public struct LossFigures: Sendable, Hashable, Codable {
    /// Fibre attenuation at 1490 nm (downstream), dB/km.
    public var fibreDownstreamDBPerKm: Double
    /// Fibre attenuation at 1310 nm (upstream), dB/km.
    public var fibreUpstreamDBPerKm: Double
    /// One mated connector pair, dB.
    public var connectorDB: Double
    /// One fusion splice, dB.
    public var spliceDB: Double
    /// Insertion loss of a splitter by its number of outputs (2, 4, … 128), dB; a ratio missing
    /// here takes ``SplitRatio/typicalLoss``.
    public var splitterDB: [Int: Double]
    /// Connectors on a path when the design gives none: this many at the ends (the OLT's ODF,
    /// the ONT) plus ``connectorsPerStage`` for each splitter stage.
    public var baseConnectors: Int
    public var connectorsPerStage: Int
    /// Splices on a path when the design gives none: ``splicesPerStage`` for each stage.
    public var splicesPerStage: Int
    /// How many dB above the prediction a link must lose before it counts as lossy: more than
    /// the spread of healthy links (connectors vary by ±0.1–0.2 dB each), less than a dirty
    /// connector or a bend worth looking for.
    public var marginDB: Double
    /// The lowest OLT transmit power of a healthy PON port (GPON class B+: +1.5 dBm).
    public var minOLTTxDBm: Double
    /// The lowest transmit power of a healthy ONT (GPON: +0.5 dBm).
    public var minONUTxDBm: Double

    public init(
        fibreDownstreamDBPerKm: Double = 0.25, fibreUpstreamDBPerKm: Double = 0.35, connectorDB: Double = 0.3,
        spliceDB: Double = 0.05, splitterDB: [Int: Double] = [:], baseConnectors: Int = 2, connectorsPerStage: Int = 2,
        splicesPerStage: Int = 2, marginDB: Double = 1.5, minOLTTxDBm: Double = 1.5, minONUTxDBm: Double = 0.5
    ) {
        self.fibreDownstreamDBPerKm = fibreDownstreamDBPerKm
        self.fibreUpstreamDBPerKm = fibreUpstreamDBPerKm
        self.connectorDB = connectorDB
        self.spliceDB = spliceDB
        self.splitterDB = splitterDB
        self.baseConnectors = baseConnectors
        self.connectorsPerStage = connectorsPerStage
        self.splicesPerStage = splicesPerStage
        self.marginDB = marginDB
        self.minOLTTxDBm = minOLTTxDBm
        self.minONUTxDBm = minONUTxDBm
    }

    /// The typical figures.
    public static let standard = LossFigures()

    /// The insertion loss of a splitter of `ratio`, dB.
    public func splitter(_ ratio: SplitRatio) -> Double { splitterDB[ratio.outputs] ?? ratio.typicalLoss.value }

    /// Whether every figure is one a real network can have: a wrong figure would make every
    /// port look lossy or none. Returns the first problem, naming the key, or nil.
    public var problem: String? {
        if !(0...2).contains(fibreDownstreamDBPerKm) { return "fibre_db_per_km_1490 must be 0 … 2 dB/km" }
        if !(0...2).contains(fibreUpstreamDBPerKm) { return "fibre_db_per_km_1310 must be 0 … 2 dB/km" }
        if !(0...3).contains(connectorDB) { return "connector_db must be 0 … 3 dB" }
        if !(0...1).contains(spliceDB) { return "splice_db must be 0 … 1 dB" }
        if !(0.3...10).contains(marginDB) { return "margin_db must be 0.3 … 10 dB" }
        for (outputs, db) in splitterDB where !(0...40).contains(db) || SplitRatio(outputs: outputs) == nil {
            return "splitter_db for 1:\(outputs) must be a ratio 1:2 … 1:128 and 0 … 40 dB"
        }
        return nil
    }
}

/// The ODN the resource system designed in front of a last-level splitter's ports, as the
/// project import gives it (`feeder_km`, `drop_m`, `upstream_ratios`, `connectors`, `splices`).
/// Every part is optional; what is missing is taken from the OLT's ranging or typical counts.
public struct ODNDesign: Sendable, Hashable, Codable {
    /// Fibre from the OLT to this splitter (feeder and distribution), km.
    public var feederKm: Double?
    /// A typical drop from this splitter's port to the ONT, metres.
    public var dropMetres: Double?
    /// The splitter stages in front of this one, nearest the OLT first (a 1:4 before a 1:8).
    public var upstreamRatios: [SplitRatio]
    /// Mated connector pairs on the whole path, OLT to ONT.
    public var connectors: Int?
    /// Splices on the whole path.
    public var splices: Int?

    public init(
        feederKm: Double? = nil, dropMetres: Double? = nil, upstreamRatios: [SplitRatio] = [],
        connectors: Int? = nil, splices: Int? = nil
    ) {
        self.feederKm = feederKm
        self.dropMetres = dropMetres
        self.upstreamRatios = upstreamRatios
        self.connectors = connectors
        self.splices = splices
    }

    /// No design data at all.
    public static let none = ODNDesign()

    /// Whether the import gave nothing.
    public var isEmpty: Bool { self == .none }

    /// `1:4+1:8` style text of the stages in front, for the CSV column.
    public var upstreamRatiosText: String { upstreamRatios.map(\.description).joined(separator: "+") }

    /// Parses `upstream_ratios`: ratios joined by `+` (or spaces), nearest the OLT first; empty
    /// for a single-level ODN. Nil when a part is not a ratio.
    public static func parseRatios(_ text: String) -> [SplitRatio]? {
        let parts = text.split(whereSeparator: { $0 == "+" || $0 == " " || $0 == "," })
        var ratios: [SplitRatio] = []
        for part in parts {
            guard let r = SplitRatio(String(part)) else { return nil }
            ratios.append(r)
        }
        return ratios
    }
}

/// What a link should lose, each way, and what the figure rests on.
public struct LossPrediction: Sendable, Hashable, Codable {
    /// Where the fibre length came from.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The design's feeder (and drop) length.
        case design
        /// The OLT's ranged distance to the ONU, with typical connectors and splices.
        case ranging
        /// Neither is known: the fibre is taken from the PON port's best link (the peer reference),
        /// so a loss the whole PON port shares cannot show.
        case peers
    }

    public var downstream: Decibels
    public var upstream: Decibels
    public var basis: Basis

    public init(downstream: Decibels, upstream: Decibels, basis: Basis) {
        self.downstream = downstream
        self.upstream = upstream
        self.basis = basis
    }

    /// Predicts the loss from the OLT to a port of a splitter of `ratio` designed as `design`:
    /// fibre at each wavelength, each splitter stage, connectors and splices. The fibre length is
    /// the design's when it has one, else the OLT's ranged distance (`rangedMetres`); nil when
    /// neither is known.
    public static func predict(
        ratio: SplitRatio, design: ODNDesign, rangedMetres: Int?, figures: LossFigures = .standard
    ) -> LossPrediction? {
        let km: Double
        let basis: Basis
        if let feeder = design.feederKm {
            km = feeder + (design.dropMetres ?? 0) / 1000
            basis = .design
        } else if let ranged = rangedMetres, ranged > 0 {
            km = Double(ranged) / 1000
            basis = .ranging
        } else {
            return nil
        }
        return with(km: km, ratio: ratio, design: design, basis: basis, figures: figures)
    }

    /// The prediction for `km` of fibre.
    static func with(km: Double, ratio: SplitRatio, design: ODNDesign, basis: Basis, figures: LossFigures)
        -> LossPrediction
    {
        let fixed = fixedLoss(ratio: ratio, design: design, figures: figures)
        return LossPrediction(
            downstream: Decibels(fixed + km * figures.fibreDownstreamDBPerKm),
            upstream: Decibels(fixed + km * figures.fibreUpstreamDBPerKm), basis: basis)
    }

    /// What the splitter stages, connectors and splices lose, the same at both wavelengths.
    static func fixedLoss(ratio: SplitRatio, design: ODNDesign, figures: LossFigures) -> Double {
        let stages = design.upstreamRatios + [ratio]
        let connectors = design.connectors ?? figures.baseConnectors + figures.connectorsPerStage * stages.count
        let splices = design.splices ?? figures.splicesPerStage * stages.count
        return stages.reduce(0) { $0 + figures.splitter($1) } + Double(connectors) * figures.connectorDB
            + Double(splices) * figures.spliceDB
    }

    /// The fibre length, km, that makes the measured downstream loss of a link the whole loss:
    /// the peer reference's estimate from a PON port's best link.
    static func fibreKm(measuredDownstream: Double, ratio: SplitRatio, design: ODNDesign, figures: LossFigures)
        -> Double
    {
        guard figures.fibreDownstreamDBPerKm > 0 else { return 0 }
        return max(
            0,
            (measuredDownstream - fixedLoss(ratio: ratio, design: design, figures: figures))
                / figures.fibreDownstreamDBPerKm)
    }

    /// "the design's" or "the expected": how a sentence names the prediction.
    public var name: String {
        switch basis {
        case .design: "the design's"
        case .ranging: "the expected"
        case .peers: "the PON port's best link's"
        }
    }
}
