import FTTHCore
import Foundation

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
    /// In a cluster: the same limit counted across every daemon, through the store.
    let shared: SharedOLTLimit?
    var busy: [ManagementAddress: Int] = [:]
    var waiting:
        [ManagementAddress: (finishing: [CheckedContinuation<Void, Never>], normal: [CheckedContinuation<Void, Never>])] =
            [:]

    init(limit: Int, shared: SharedOLTLimit? = nil) {
        self.limit = limit
        self.shared = shared
    }

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

    /// Runs `body` holding one of the OLT's slots (in a cluster, one of its slots across every
    /// daemon as well).
    nonisolated func withSlot<T: Sendable>(
        _ olt: ManagementAddress, priority: Priority = .normal, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        await acquire(olt, priority: priority)
        do {
            let permit = try await shared?.acquire(olt, limit: limit)
            do {
                let result = try await body()
                if let permit { await shared?.release(olt, permit) }
                await release(olt)
                return result
            } catch {
                if let permit { await shared?.release(olt, permit) }
                throw error
            }
        } catch {
            await release(olt)
            throw error
        }
    }
}

/// An OLT's limit counted across the daemons of a cluster: a permit from the store
/// (``PermitStore``) per slot in use, asked for again every `retry` while all are held.
struct SharedOLTLimit: Sendable {
    let store: any PermitStore
    let holder: String
    let lease: Duration
    let retry: Duration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date

    static func resource(_ olt: ManagementAddress) -> String { "olt-work:\(olt.text)" }

    /// A slot of the OLT across the cluster; waits while all are held. Throws only when
    /// cancelled (a daemon that cannot reach the store keeps asking until its lease keeper
    /// stops the run).
    func acquire(_ olt: ManagementAddress, limit: Int) async throws -> Int {
        while true {
            try Task.checkCancellation()
            let at = now()
            if let slot = try? await store.takePermit(
                Self.resource(olt), limit: limit, holder: holder, at: at, until: at.addingTimeInterval(lease.seconds))
            {
                return slot
            }
            try await clock.sleep(for: retry)
        }
    }

    func release(_ olt: ManagementAddress, _ slot: Int) async {
        await store.giveBack(Self.resource(olt), slot: slot, holder: holder)
    }
}
