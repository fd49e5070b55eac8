import FTTHCore

/// At most `limit` port tests talk to one OLT at a time; the others wait their turn, first
/// come first served.
typealias OLTWorkLimiter = WorkLimiter<ManagementAddress>

/// A PON port of an OLT: provisioning holds it alone (see ``AcceptanceEngine``).
struct PONSlot: Hashable, Sendable {
    var olt: ManagementAddress
    var pon: PONAddress
}

/// At most `limit` holders of one key at a time; the others wait their turn, first come first
/// served.
actor WorkLimiter<Key: Hashable & Sendable> {
    let limit: Int
    var busy: [Key: Int] = [:]
    var waiting: [Key: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = limit }

    func acquire(_ olt: Key) async {
        if busy[olt, default: 0] < limit {
            busy[olt, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[olt, default: []].append($0) }
    }

    func release(_ olt: Key) {
        if var queue = waiting[olt], !queue.isEmpty {
            // The slot passes straight to the next waiter.
            let next = queue.removeFirst()
            waiting[olt] = queue
            next.resume()
        } else {
            busy[olt, default: 1] -= 1
        }
    }

    /// Runs `body` holding one of the OLT's slots.
    func withSlot<T: Sendable>(_ olt: Key, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(olt)
        do {
            let result = try await body()
            release(olt)
            return result
        } catch {
            release(olt)
            throw error
        }
    }
}
