import FTTHCore
import Foundation

/// Where the light of a port is most likely lost (``Diagnosis``), as the API, the live progress
/// and ftthctl carry it. Advisory: it never changes a verdict. Losses are dB with two decimals,
/// null when not measured or not predictable.
public struct DiagnosisWire: Codable, Sendable, Hashable {
    /// `none`, `olt_or_feeder`, `splitter`, `port_or_drop`, `test_ont` or `unknown`.
    public var place: String
    /// `sure`, `likely` or `possible`.
    public var certainty: String
    @ExplicitNull public var measuredDownstreamDB: Double?
    @ExplicitNull public var predictedDownstreamDB: Double?
    @ExplicitNull public var excessDownstreamDB: Double?
    @ExplicitNull public var measuredUpstreamDB: Double?
    @ExplicitNull public var predictedUpstreamDB: Double?
    @ExplicitNull public var excessUpstreamDB: Double?
    /// What the prediction rests on: `design` (the import's lengths) or `ranging` (the OLT's
    /// ranged distance); null without a prediction.
    @ExplicitNull public var basis: String?
    /// One sentence a crew can act on: the evidence and what to check first.
    public var evidence: String
    /// The place, the loss and the evidence in one line, as ftthctl and the report print it.
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case place, certainty, basis, evidence, summary
        case measuredDownstreamDB = "measured_downstream_db", predictedDownstreamDB = "predicted_downstream_db"
        case excessDownstreamDB = "excess_downstream_db", measuredUpstreamDB = "measured_upstream_db"
        case predictedUpstreamDB = "predicted_upstream_db", excessUpstreamDB = "excess_upstream_db"
    }

    /// The diagnosis as the core says it.
    public init(_ d: Diagnosis) {
        place = d.place.rawValue
        certainty = d.certainty.rawValue
        measuredDownstreamDB = d.measuredDownstream.map { Double(centi: $0.centi) }
        predictedDownstreamDB = d.predictedDownstream.map { Double(centi: $0.centi) }
        excessDownstreamDB = d.excessDownstream.map { Double(centi: $0.centi) }
        measuredUpstreamDB = d.measuredUpstream.map { Double(centi: $0.centi) }
        predictedUpstreamDB = d.predictedUpstream.map { Double(centi: $0.centi) }
        excessUpstreamDB = d.excessUpstream.map { Double(centi: $0.centi) }
        basis = d.basis?.rawValue
        evidence = d.evidence
        summary = d.summary
    }
}

/// A splitter's diagnosis as a whole (``SplitterDiagnosis``): how many of its ports have a result
/// to compare, which lose too much, and where that most likely comes from.
public struct SplitterDiagnosisWire: Codable, Sendable, Hashable {
    public var splitter: String
    /// Ports with a result to compare.
    public var tested: Int
    /// The port numbers that lose more than the margin above the prediction, or are dark.
    public var lossyPorts: [Int]
    /// As ``DiagnosisWire/place``.
    public var place: String
    public var certainty: String
    public var evidence: String
    /// `SP01: the splitter or its input (sure): …`, as ftthctl and the report print it.
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case splitter, tested, place, certainty, evidence, summary
        case lossyPorts = "lossy_ports"
    }

    /// The splitter's diagnosis as the core says it.
    public init(_ d: SplitterDiagnosis) {
        splitter = d.splitter.name
        tested = d.tested
        lossyPorts = d.lossyPorts
        place = d.place.rawValue
        certainty = d.certainty.rawValue
        evidence = d.evidence
        summary = d.summary
    }
}
