import FTTHCore

/// Where a driver chooses the ONU id itself (ZTE over the CLI, Huawei over SNMP), it looks for a
/// free id and then adds the ONU under it: two port tests on one PON port doing so at once would
/// pick the same id. This lock serializes that stretch, and only that stretch, per OLT PON port
/// within the process; the drivers still look again when another manager took the id anyway.
public actor ONUIDLocks {
    /// The one registry of the process: drivers are made per use and share it.
    public static let shared = ONUIDLocks()

    var held: Set<String> = []
    var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    static func key(_ olt: ManagementAddress, _ pon: PONAddress) -> String { "\(olt)|\(pon)" }

    func acquire(_ key: String) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    func release(_ key: String) {
        if var queue = waiting[key], !queue.isEmpty {
            // The lock passes straight to the next waiter, first come first served.
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(key)
        }
    }

    /// Runs `body` holding the lock of `pon` on `olt`.
    public nonisolated func withLock<T: Sendable>(
        olt: ManagementAddress, pon: PONAddress, _ body: () async throws -> T
    ) async throws -> T {
        let key = Self.key(olt, pon)
        await acquire(key)
        do {
            let result = try await body()
            await release(key)
            return result
        } catch {
            await release(key)
            throw error
        }
    }
}
