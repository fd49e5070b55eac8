import FTTHCore

/// At most `limit` port tests talk to one OLT at a time; the others wait their turn. Work that
/// finishes a test already under way (asking whether its ONU is online, reading its optics)
/// goes before work that starts another one (provisioning), so that when many tests start at
/// once the first crews get their results after a few seconds rather than after every
/// provisioning queued before them; among equals, first come first served.
actor OLTWorkLimiter {
    enum Priority: Sendable {
        /// Starts new work on the OLT: provisioning, reconciliation, removal.
        case normal
        /// Brings a test under way to its end.
        case finishing
    }

    let limit: Int
    var busy: [ManagementAddress: Int] = [:]
    var waiting:
        [ManagementAddress: (finishing: [CheckedContinuation<Void, Never>], normal: [CheckedContinuation<Void, Never>])] =
            [:]

    init(limit: Int) { self.limit = limit }

    /// How many wait for a slot of `olt` now.
    func waiters(_ olt: ManagementAddress) -> Int {
        waiting[olt].map { $0.finishing.count + $0.normal.count } ?? 0
    }

    func acquire(_ olt: ManagementAddress, priority: Priority) async {
        if busy[olt, default: 0] < limit {
            busy[olt, default: 0] += 1
            return
        }
        await withCheckedContinuation { continuation in
            switch priority {
            case .finishing: waiting[olt, default: ([], [])].finishing.append(continuation)
            case .normal: waiting[olt, default: ([], [])].normal.append(continuation)
            }
        }
    }

    func release(_ olt: ManagementAddress) {
        // The slot passes straight to the next waiter, finishing work first.
        if var queues = waiting[olt], !queues.finishing.isEmpty || !queues.normal.isEmpty {
            let next = queues.finishing.isEmpty ? queues.normal.removeFirst() : queues.finishing.removeFirst()
            waiting[olt] = queues
            next.resume()
        } else {
            busy[olt, default: 1] -= 1
        }
    }

    /// Runs `body` holding one of the OLT's slots.
    func withSlot<T: Sendable>(
        _ olt: ManagementAddress, priority: Priority = .normal, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        await acquire(olt, priority: priority)
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
