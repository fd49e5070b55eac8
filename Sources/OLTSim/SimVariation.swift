/// SplitMix64 (Steele, Lea and Flood 2014): a small pseudo-random generator of our own, so that
/// a seed gives the same city and the same readings on every platform and Swift version. Not for
/// anything secret. Use ``next(below:)`` and ``unit()`` rather than the standard library's
/// `random(in:using:)`, whose way of drawing from a generator is not promised to stay the same.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's finaliser: spreads every bit of `z` over the whole word.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound ≥ 1). The modulo bias is below 2⁻⁵⁰ for the small bounds
    /// a city uses.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound >= 1, "a bound of at least 1")
        return Int(next() % UInt64(bound))
    }

    /// A number in `range`, both ends included.
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + next(below: range.upperBound - range.lowerBound + 1)
    }

    /// A number in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A number in [lower, upper).
    public mutating func next(between lower: Double, and upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }
}

/// The spread of real parts around their typical figures (`variation_seed`): each value is drawn
/// from the seed and the names of where the part sits, so a reading is the same on every run and
/// differs from its neighbour's. Nothing is drawn in sequence, so adding a splitter to a city does
/// not change the figures of the others.
public struct SimVariation: Sendable, Hashable {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// A number in [-1, 1) fixed by the seed and `parts` (FNV-1a over the parts, then SplitMix64).
    public func symmetric(_ parts: [String]) -> Double {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            // A separator, so ("ab", "c") and ("a", "bc") differ.
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        let z = SplitMix64.mix(hash ^ SplitMix64.mix(seed))
        return Double(z >> 11) / Double(1 << 52) - 1
    }

    /// Spread of a mated connector around ``OpticalPath/connectorLoss`` (0.3 dB), and its floor.
    public static let connectorSpread = 0.1
    public static let connectorFloor = 0.1
    /// Spread of a fusion splice around ``OpticalPath/spliceLoss`` (0.05 dB).
    public static let spliceSpread = 0.03
    /// Spread of a drop whose length was not given, as a share of its typical length.
    public static let dropShare = 0.25
    /// Spread of an ONT's transmit power whose `tx_dbm` was not given, dB.
    public static let ontTxSpread = 0.5

    /// How much the connectors and splices of the path to one splitter port lose beyond their
    /// typical figures: each connector 0.3 ± 0.1 dB (never below 0.1), each splice 0.05 ± 0.03 dB.
    public func componentDeviation(olt: String, pon: String, splitter: String, port: Int, connectors: Int, splices: Int)
        -> Double
    {
        let place = [olt, pon, splitter, String(port)]
        var total = 0.0
        for i in 0..<max(0, connectors) {
            let loss = max(
                Self.connectorFloor,
                OpticalPath.connectorLoss + Self.connectorSpread * symmetric(place + ["connector", String(i)]))
            total += loss - OpticalPath.connectorLoss
        }
        for i in 0..<max(0, splices) {
            total += Self.spliceSpread * symmetric(place + ["splice", String(i)])
        }
        return total
    }

    /// The real length of a drop whose typical length is `typical` metres: ± a quarter.
    public func dropMetres(typical: Double, olt: String, pon: String, splitter: String, port: Int) -> Double {
        typical * (1 + Self.dropShare * symmetric([olt, pon, splitter, String(port), "drop"]))
    }

    /// The transmit power of the ONT with this serial, around `typical` dBm: ± 0.5 dB. It follows
    /// the ONT wherever it is plugged.
    public func ontTxDBm(typical: Double, olt: String, serial: String) -> Double {
        typical + Self.ontTxSpread * symmetric([olt, serial, "tx"])
    }
}
