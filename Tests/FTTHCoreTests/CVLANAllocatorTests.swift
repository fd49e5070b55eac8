import FTTHCore
import PropertyBased
import Testing

/// Test CVLAN allocation: lowest free first, OLT ranges before any-OLT ranges.
@Suite("CVLAN allocator")
struct CVLANAllocatorTests {
    let oltA = address("10.0.0.1")
    let oltB = address("10.0.0.2")
    let svlan = vlan(100)

    // MARK: CVLANRange

    @Test("a range knows its size, its members and how to describe itself")
    func range() {
        let any = CVLANRange(name: "default", first: vlan(3000), last: vlan(3099))
        #expect(any.count == 100)
        #expect(any.contains(vlan(3000)) && any.contains(vlan(3099)))
        #expect(!any.contains(vlan(2999)) && !any.contains(vlan(3100)))
        #expect(any.description == "'default' 3000-3099 (any OLT)")
        #expect(any.validationProblem == nil)

        let own = CVLANRange(name: "a", olt: oltA, first: vlan(7), last: vlan(7))
        #expect(own.count == 1)
        #expect(own.description == "'a' 7-7 (OLT 10.0.0.1)")

        let backwards = CVLANRange(name: "typo", first: vlan(200), last: vlan(100))
        #expect(backwards.count == 0)
        #expect(backwards.validationProblem == "range 'typo' starts at 200 after it ends at 100")
    }

    // MARK: Allocation

    @Test("the lowest free CVLAN comes first")
    func lowestFree() throws {
        let allocator = CVLANAllocator(ranges: [CVLANRange(name: "default", first: vlan(3000), last: vlan(3009))])
        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: []) == vlan(3000))
        #expect(
            try allocator.allocate(olt: oltA, svlan: svlan, inUse: [vlan(3000), vlan(3001), vlan(3003)]) == vlan(3002))
        // CVLANs outside the ranges do not matter.
        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: [vlan(5), vlan(4000)]) == vlan(3000))
    }

    @Test("an OLT's own ranges are used before the ranges for any OLT")
    func ownRangesFirst() throws {
        let allocator = CVLANAllocator(ranges: [
            CVLANRange(name: "default", first: vlan(3000), last: vlan(3009)),
            CVLANRange(name: "a", olt: oltA, first: vlan(2000), last: vlan(2001)),
            CVLANRange(name: "b", olt: oltB, first: vlan(10), last: vlan(19)),
        ])
        #expect(allocator.ranges(for: oltA).map(\.name) == ["a", "default"])
        #expect(allocator.ranges(for: oltB).map(\.name) == ["b", "default"])
        #expect(allocator.ranges(for: address("10.0.0.3")).map(\.name) == ["default"])

        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: []) == vlan(2000))
        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: [vlan(2000)]) == vlan(2001))
        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: [vlan(2000), vlan(2001)]) == vlan(3000))
        // Another OLT never gets A's range, even when it is free.
        #expect(try allocator.allocate(olt: oltB, svlan: svlan, inUse: []) == vlan(10))
        #expect(try allocator.allocate(olt: address("10.0.0.3"), svlan: svlan, inUse: []) == vlan(3000))
    }

    @Test("no applicable range is an error naming the OLT and what to do")
    func noRange() {
        let allocator = CVLANAllocator(ranges: [CVLANRange(name: "a", olt: oltA, first: vlan(2000), last: vlan(2001))])
        #expect(throws: CVLANAllocationError.noRange(olt: oltB)) {
            try allocator.allocate(olt: oltB, svlan: svlan, inUse: [])
        }
        #expect(throws: CVLANAllocationError.noRange(olt: oltB)) {
            try CVLANAllocator(ranges: []).allocate(olt: oltB, svlan: svlan, inUse: [])
        }
        let error = CVLANAllocationError.noRange(olt: oltB)
        #expect(error.code == "cvlan.no_range")
        #expect(error.description.contains("OLT 10.0.0.2"))
        #expect(error.description.contains("cvlan_ranges"))
    }

    @Test("an exhausted range is an error naming the range, the OLT, the SVLAN and the count in use")
    func exhausted() throws {
        let tiny = CVLANRange(name: "tiny", olt: oltA, first: vlan(100), last: vlan(101))
        let allocator = CVLANAllocator(ranges: [tiny])
        let inUse: Set<VLANID> = [vlan(100), vlan(101), vlan(500)]
        let expected = CVLANAllocationError.exhausted(olt: oltA, svlan: svlan, ranges: [tiny], inUse: 2)
        #expect(throws: expected) {
            try allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse)
        }
        #expect(expected.code == "cvlan.exhausted")
        #expect(expected.description.contains("'tiny' 100-101 (OLT 10.0.0.1)"))
        #expect(expected.description.contains("exhausted on OLT 10.0.0.1 SVLAN 100"))
        #expect(expected.description.contains("2 in use"))
    }

    @Test("a backwards range is skipped, not an endless or crashing loop")
    func backwardsRangeSkipped() throws {
        let allocator = CVLANAllocator(ranges: [
            CVLANRange(name: "typo", olt: oltA, first: vlan(200), last: vlan(100)),
            CVLANRange(name: "good", olt: oltA, first: vlan(300), last: vlan(300)),
        ])
        #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: []) == vlan(300))
        #expect(throws: CVLANAllocationError.self) {
            try allocator.allocate(olt: oltA, svlan: svlan, inUse: [vlan(300)])
        }
    }

    // MARK: Properties

    /// One generated range: its length, the gap before it, and whose it is (0 = any OLT, 1 = A, 2 = B).
    struct RangeSpec: Sendable {
        var length: Int
        var gap: Int
        var owner: Int
    }

    static let specs = zip(Gen.int(in: 1...6), Gen.int(in: 0...3), Gen.int(in: 0...2))
        .map { RangeSpec(length: $0.0, gap: $0.1, owner: $0.2) }
        .array(of: 0...8)

    /// Non-overlapping ranges from the specs, laid out upwards from `start`, in shuffled order.
    func ranges(_ specs: [RangeSpec], start: Int) -> [CVLANRange] {
        var next = start
        var result: [CVLANRange] = []
        for (i, spec) in specs.enumerated() {
            next += spec.gap
            let owner: ManagementAddress? = [nil, oltA, oltB][spec.owner]
            result.append(CVLANRange(name: "r\(i)", olt: owner, first: vlan(next), last: vlan(next + spec.length - 1)))
            next += spec.length
        }
        return result
    }

    /// Whether any of `ranges` has a CVLAN not in `inUse`.
    static func hasRoom(_ ranges: [CVLANRange], inUse: Set<VLANID>) -> Bool {
        ranges.contains { r in (r.first.value...r.last.value).contains { !inUse.contains(vlan($0)) } }
    }

    @Test("allocating until exhaustion hands out every applicable CVLAN once, own ranges first")
    func allocateUntilExhausted() async {
        await propertyCheck(input: Self.specs, Gen.int(in: 1...4000)) { specs, start in
            let laidOut = ranges(specs, start: start)
            let allocator = CVLANAllocator(ranges: laidOut)
            let own = laidOut.filter { $0.olt == oltA }
            let applicable = laidOut.filter { $0.olt == oltA || $0.olt == nil }
            let total = applicable.reduce(0) { $0 + $1.count }
            if applicable.isEmpty {
                #expect(throws: CVLANAllocationError.noRange(olt: oltA)) {
                    try allocator.allocate(olt: oltA, svlan: svlan, inUse: [])
                }
                return
            }
            var inUse: Set<VLANID> = []
            for _ in 0..<total {
                let v = try allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse)
                #expect(!inUse.contains(v))
                #expect(applicable.contains { $0.contains(v) })
                if Self.hasRoom(own, inUse: inUse) {
                    #expect(own.contains { $0.contains(v) }, "\(v) picked while an own range had room")
                }
                inUse.insert(v)
            }
            #expect(inUse.count == total)
            let expected = CVLANAllocationError.exhausted(
                olt: oltA, svlan: svlan, ranges: allocator.ranges(for: oltA), inUse: total)
            let full = inUse
            #expect(throws: expected) { try allocator.allocate(olt: oltA, svlan: svlan, inUse: full) }
        }
    }

    @Test("the allocation is the lowest free value of the first range with room")
    func lowestOfFirstRangeWithRoom() async {
        await propertyCheck(input: Self.specs, Gen.int(in: 1...3000), Gen.int(in: 0...1000).set(ofAtMost: 0...40)) {
            specs, start, used in
            let allocator = CVLANAllocator(ranges: ranges(specs, start: start))
            let inUse = Set(used.compactMap { VLANID(start + $0 % 40) })
            let expected = allocator.ranges(for: oltA).lazy
                .compactMap { r in (r.first.value...r.last.value).lazy.map { vlan($0) }.first { !inUse.contains($0) } }
                .first
            let got = try? allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse)
            #expect(got == expected)
        }
    }

    @Test("a released CVLAN can be allocated again")
    func releaseAndReallocate() async {
        await propertyCheck(input: Gen.int(in: 1...30), Gen.int(in: 0...29), Gen.int(in: 1...4000)) {
            size, pick, first in
            let last = min(first + size - 1, 4094)
            let allocator = CVLANAllocator(ranges: [CVLANRange(name: "r", first: vlan(first), last: vlan(last))])
            var inUse: Set<VLANID> = []
            for _ in first...last {
                let v = try allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse)
                inUse.insert(v)
            }
            #expect(throws: CVLANAllocationError.self) { try allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse) }
            let released = vlan(first + pick % (last - first + 1))
            inUse.remove(released)
            #expect(try allocator.allocate(olt: oltA, svlan: svlan, inUse: inUse) == released)
        }
    }
}
