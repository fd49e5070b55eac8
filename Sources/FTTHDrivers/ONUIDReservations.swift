import FTTHCore

/// Where a driver chooses the ONU id itself (ZTE over the CLI, Huawei over SNMP), it reads the
/// ids in use and then adds the ONU under a free one: two port tests on one PON port doing so at
/// once would pick the same id. A driver reserves the id it picks here until its provisioning
/// ends, so that tests in this process never pick the same one, without waiting for each other
/// over the network. Another manager of the OLT can still take an id first; the drivers then
/// look again.
public actor ONUIDReservations {
    /// The one registry of the process: drivers are made per use and share it.
    public static let shared = ONUIDReservations()

    var reserved: [String: Set<Int>] = [:]

    public init() {}

    static func key(_ olt: ManagementAddress, _ pon: PONAddress) -> String { "\(olt)|\(pon)" }

    /// The lowest id of `range` neither `used` on the OLT nor reserved here, now reserved; nil
    /// when none is left.
    public func reserve(olt: ManagementAddress, pon: PONAddress, used: Set<Int>, in range: ClosedRange<Int>) -> Int? {
        let key = Self.key(olt, pon)
        let taken = reserved[key, default: []]
        guard let id = range.first(where: { !used.contains($0) && !taken.contains($0) }) else { return nil }
        reserved[key, default: []].insert(id)
        return id
    }

    /// Ends the reservation of `id`: the ONU is on the OLT now (its id shows as used), or was not
    /// added.
    public func release(olt: ManagementAddress, pon: PONAddress, id: Int) {
        let key = Self.key(olt, pon)
        reserved[key]?.remove(id)
        if reserved[key]?.isEmpty == true { reserved[key] = nil }
    }

    /// Runs `body` with an id reserved from `range` (nil when none is free), and releases it
    /// afterwards whatever happens.
    public nonisolated func withReservedID<T: Sendable>(
        olt: ManagementAddress, pon: PONAddress, used: Set<Int>, in range: ClosedRange<Int>,
        _ body: (Int?) async throws -> T
    ) async throws -> T {
        let id = await reserve(olt: olt, pon: pon, used: used, in: range)
        do {
            let result = try await body(id)
            if let id { await release(olt: olt, pon: pon, id: id) }
            return result
        } catch {
            if let id { await release(olt: olt, pon: pon, id: id) }
            throw error
        }
    }
}
