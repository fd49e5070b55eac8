/// Where the light of a port is most likely lost, how sure, and the evidence in one sentence a
/// crew can act on. Advisory: a diagnosis never changes a verdict.
public struct Diagnosis: Sendable, Hashable, Codable {
    /// The places a crew can go and look.
    public enum Place: String, Sendable, Hashable, Codable, CaseIterable {
        /// The port loses what the design predicts: nothing to look for.
        case none
        /// The OLT's PON port (its optic, its connector at the ODF) or the feeder fibre: every
        /// splitter on the PON port suffers it.
        case oltOrFeeder = "olt_or_feeder"
        /// The splitter itself, its input connector or the fibre leg feeding it: every port of
        /// the splitter suffers it, its siblings on the PON port do not.
        case splitter
        /// This port's connector on the splitter, or its drop fibre (bends) to the ONT.
        case portOrDrop = "port_or_drop"
        /// The test ONT the crew plugs in: its connector or its laser.
        case testONT = "test_ont"
        /// The readings are not enough to compare (a power missing for another reason).
        case unknown

        /// The place in a crew's words.
        public var words: String {
            switch self {
            case .none: "no extra loss"
            case .oltOrFeeder: "the OLT port or the feeder"
            case .splitter: "the splitter or its input"
            case .portOrDrop: "this port's connector or drop"
            case .testONT: "the test ONT"
            case .unknown: "cannot tell"
            }
        }
    }

    /// How sure the diagnosis is: `sure` when the pattern is complete (several ports and
    /// splitters agree), `possible` when few ports are tested yet.
    public enum Certainty: String, Sendable, Hashable, Codable, CaseIterable {
        case sure, likely, possible
    }

    public var place: Place
    public var certainty: Certainty
    /// Measured and predicted loss each way, nil when not measured or not predictable.
    public var measuredDownstream: Decibels?
    public var predictedDownstream: Decibels?
    public var measuredUpstream: Decibels?
    public var predictedUpstream: Decibels?
    /// What the prediction rests on.
    public var basis: LossPrediction.Basis?
    /// One sentence for the crew: the evidence and what to check first.
    public var evidence: String

    public init(
        place: Place, certainty: Certainty, measuredDownstream: Decibels? = nil, predictedDownstream: Decibels? = nil,
        measuredUpstream: Decibels? = nil, predictedUpstream: Decibels? = nil, basis: LossPrediction.Basis? = nil,
        evidence: String
    ) {
        self.place = place
        self.certainty = certainty
        self.measuredDownstream = measuredDownstream
        self.predictedDownstream = predictedDownstream
        self.measuredUpstream = measuredUpstream
        self.predictedUpstream = predictedUpstream
        self.basis = basis
        self.evidence = evidence
    }

    /// Downstream loss beyond the prediction.
    public var excessDownstream: Decibels? {
        guard let m = measuredDownstream, let p = predictedDownstream else { return nil }
        return m - p
    }

    /// Upstream loss beyond the prediction.
    public var excessUpstream: Decibels? {
        guard let m = measuredUpstream, let p = predictedUpstream else { return nil }
        return m - p
    }

    /// "downstream loss 24.60 dB, 4.10 dB more than the design's 20.50 dB"; nil when either is
    /// missing.
    public var lossSentence: String? {
        guard let m = measuredDownstream, let p = predictedDownstream else { return nil }
        let whose = basis.map { LossPrediction(downstream: p, upstream: p, basis: $0).name } ?? "the expected"
        let excess = m - p
        if excess.centi > 0 {
            return "downstream loss \(m), \(excess) more than \(whose) \(p)"
        }
        return "downstream loss \(m), \(whose) \(p)"
    }

    /// One line for logs, ftthctl and the report: `the splitter or its input (likely): …`.
    public var summary: String {
        var text = "\(place.words) (\(certainty.rawValue))"
        if let lossSentence { text += "; \(lossSentence)" }
        return text + ": " + evidence
    }
}

/// A splitter's diagnosis as a whole: how many ports were tested, which lose too much, and
/// where that most likely comes from. Refines as more ports are tested.
public struct SplitterDiagnosis: Sendable, Hashable, Codable {
    public var splitter: SplitterKey
    /// Ports with a usable result.
    public var tested: Int
    /// Ports that lose more than the margin above the prediction, or are dark.
    public var lossyPorts: [Int]
    public var place: Diagnosis.Place
    public var certainty: Diagnosis.Certainty
    public var evidence: String

    public init(
        splitter: SplitterKey, tested: Int, lossyPorts: [Int], place: Diagnosis.Place,
        certainty: Diagnosis.Certainty, evidence: String
    ) {
        self.splitter = splitter
        self.tested = tested
        self.lossyPorts = lossyPorts
        self.place = place
        self.certainty = certainty
        self.evidence = evidence
    }

    /// One line: `RC-C2-SP01: the splitter or its input (sure): …`.
    public var summary: String { "\(splitter.name): \(place.words) (\(certainty.rawValue)): \(evidence)" }
}
