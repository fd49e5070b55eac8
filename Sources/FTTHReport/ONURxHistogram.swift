import FTTHCore

/// ONU receive power of a project's ports counted in bins of 0.5 dB, spanning the values and the
/// limits drawn with them (a project all inside its limits still shows where the limits are).
public struct ONURxHistogram: Sendable, Hashable {
    /// The width of a bin in hundredths of a dB.
    public static let binWidthCenti = 50
    /// At most this many bins: a stray value far outside the plant's range goes into the edge
    /// bin rather than stretch the axis over tens of dB.
    public static let maxBins = 80

    /// One bin: values from `lower` (included) to `lower` + 0.5 dB (excluded).
    public struct Bin: Sendable, Hashable {
        public var lower: DBm
        public var count: Int
        public var upper: DBm { DBm(centi: lower.centi + ONURxHistogram.binWidthCenti) }
    }

    /// Contiguous bins from the lowest to the highest, empty ones included.
    public private(set) var bins: [Bin]
    /// Tested ports that have no ONU rx reading (offline, a vendor sentinel): not in any bin.
    public var missing: Int
    /// The largest count of a bin (0 when there are no values).
    public var peak: Int { bins.map(\.count).max() ?? 0 }
    /// How many values are counted in the bins.
    public var total: Int { bins.reduce(0) { $0 + $1.count } }

    /// Counts `values`; the axis also spans `limits` with one empty bin of margin on each side.
    public init(values: [DBm], missing: Int = 0, limits: [DBm] = []) {
        self.missing = missing
        let width = Self.binWidthCenti
        func floorBin(_ centi: Int) -> Int { Int((Double(centi) / Double(width)).rounded(.down)) * width }
        let points = values.map(\.centi) + limits.map(\.centi)
        guard let low = points.min(), let high = points.max() else {
            bins = []
            return
        }
        var first = floorBin(low) - width
        var last = floorBin(high) + width
        if (last - first) / width + 1 > Self.maxBins {
            // Keep the limits and the bulk of the values in view: centre on the median value.
            let sorted = values.map(\.centi).sorted()
            let centre = sorted.isEmpty ? (low + high) / 2 : sorted[sorted.count / 2]
            first = floorBin(centre) - width * (Self.maxBins / 2)
            last = first + width * (Self.maxBins - 1)
        }
        var counts = [Int](repeating: 0, count: (last - first) / width + 1)
        for value in values {
            let index = (floorBin(value.centi) - first) / width
            counts[min(max(index, 0), counts.count - 1)] += 1
        }
        bins = counts.enumerated().map { Bin(lower: DBm(centi: first + $0.offset * width), count: $0.element) }
    }
}
