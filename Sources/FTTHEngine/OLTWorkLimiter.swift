import FTTHCore

/// At most `limit` port tests talk to one OLT at a time; the others wait their turn, first
/// come first served.
actor OLTWorkLimiter {
    let limit: Int
    var busy: [ManagementAddress: Int] = [:]
    var waiting: [ManagementAddress: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = limit }

    func acquire(_ olt: ManagementAddress) async {
        if busy[olt, default: 0] < limit {
            busy[olt, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[olt, default: []].append($0) }
    }

    func release(_ olt: ManagementAddress) {
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
    func withSlot<T: Sendable>(_ olt: ManagementAddress, _ body: @Sendable () async throws -> T) async throws -> T {
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
