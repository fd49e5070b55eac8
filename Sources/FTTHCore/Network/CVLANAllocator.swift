/// A pre-assigned range of test CVLANs, for one OLT or (when `olt` is nil) for every OLT.
public struct CVLANRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var olt: ManagementAddress?
    public var first: VLANID
    public var last: VLANID

    /// Creates a range; `first` must not be above `last` (check with ``validationProblem``).
    public init(name: String, olt: ManagementAddress? = nil, first: VLANID, last: VLANID) {
        self.name = name
        self.olt = olt
        self.first = first
        self.last = last
    }

    /// Why this range is unusable, or nil.
    public var validationProblem: String? {
        first > last ? "range '\(name)' starts at \(first) after it ends at \(last)" : nil
    }

    public var count: Int { max(0, last.value - first.value + 1) }

    public func contains(_ v: VLANID) -> Bool { first <= v && v <= last }

    /// `'default' 3000–3099 (any OLT)`
    public var description: String {
        "'\(name)' \(first)-\(last) (\(olt.map { "OLT \($0)" } ?? "any OLT"))"
    }
}

/// Errors of CVLAN allocation.
public enum CVLANAllocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No test range applies to the OLT.
    case noRange(olt: ManagementAddress)
    /// Every CVLAN of the applicable ranges is taken on this OLT and SVLAN.
    case exhausted(olt: ManagementAddress, svlan: VLANID, ranges: [CVLANRange], inUse: Int)

    public var code: String {
        switch self {
        case .noRange: "cvlan.no_range"
        case .exhausted: "cvlan.exhausted"
        }
    }

    public var description: String {
        switch self {
        case .noRange(let olt):
            "no test CVLAN range applies to OLT \(olt): add a range for it (or one for any OLT) to cvlan_ranges"
        case .exhausted(let olt, let svlan, let ranges, let inUse):
            "test CVLAN range \(ranges.map(\.description).joined(separator: ", ")) is exhausted on OLT \(olt) SVLAN \(svlan): \(inUse) in use; deactivate finished test ONUs or add a range"
        }
    }
}

/// Picks test CVLANs: unique among the active test ONUs on the same OLT and SVLAN, lowest free
/// first, from the ranges for that OLT before the ranges for any OLT.
public struct CVLANAllocator: Sendable {
    public var ranges: [CVLANRange]

    public init(ranges: [CVLANRange]) { self.ranges = ranges }

    /// The ranges that apply to `olt`, its own first.
    public func ranges(for olt: ManagementAddress) -> [CVLANRange] {
        ranges.filter { $0.olt == olt } + ranges.filter { $0.olt == nil }
    }

    /// The lowest CVLAN of the applicable ranges not in `inUse` (the CVLANs of active test ONUs
    /// on this OLT and SVLAN). Throws ``CVLANAllocationError`` when there is none.
    public func allocate(olt: ManagementAddress, svlan: VLANID, inUse: Set<VLANID>) throws -> VLANID {
        let applicable = ranges(for: olt)
        guard !applicable.isEmpty else { throw CVLANAllocationError.noRange(olt: olt) }
        for range in applicable where range.first <= range.last {
            for v in range.first.value...range.last.value {
                let id = VLANID(v)!
                if !inUse.contains(id) { return id }
            }
        }
        throw CVLANAllocationError.exhausted(
            olt: olt, svlan: svlan, ranges: applicable,
            inUse: inUse.filter { v in applicable.contains { $0.contains(v) } }.count)
    }
}
