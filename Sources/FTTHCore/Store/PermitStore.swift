import Foundation

/// Limits that hold across every daemon sharing a store: at most `limit` holders of a resource
/// (an OLT's command slots) at once, whichever daemons they are. A permit lasts until `until`
/// unless its holder renews it, so a daemon that dies frees its permits when they run out.
public protocol PermitStore: Sendable {
    /// Takes a free permit of `resource` for `holder` until `until`: its slot number (1…`limit`),
    /// or nil when all `limit` are held at `at`. Daemons asking at once get different slots.
    func takePermit(_ resource: String, limit: Int, holder: String, at: Date, until: Date) async throws -> Int?

    /// Extends every permit `holder` holds to `until`; returns how many it holds.
    func renewPermits(holder: String, at: Date, until: Date) async throws -> Int

    /// Gives permit `slot` of `resource` back.
    func releasePermit(_ resource: String, slot: Int, holder: String) async throws

    /// The permits of `resource` held at `at` (for tests and metrics).
    func heldPermits(_ resource: String, at: Date) async throws -> Int
}

extension PermitStore {
    /// Gives a permit back, even from a task being cancelled (a run parked at SIGTERM, a session
    /// closed as the daemon stops): the stores refuse to start work in a cancelled task, and the
    /// permit would keep its slot from the other daemons until its lease ran out. Failures are
    /// dropped for the same reason: the lease frees the slot in the end.
    public func giveBack(_ resource: String, slot: Int, holder: String) async {
        await Task { try? await self.releasePermit(resource, slot: slot, holder: holder) }.value
    }
}
