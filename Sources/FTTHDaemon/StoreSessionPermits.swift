import FTTHCLI
import FTTHCore
import Foundation

/// The CLI sessions to each OLT counted across the daemons of a cluster, through the store's
/// permits (``PermitStore``): a permit per open session, renewed with the daemon's leases by the
/// engine, given back when the session closes; a daemon that dies frees its permits when they
/// run out.
struct StoreSessionPermits: CLISessionPermits {
    let store: any PermitStore
    let holder: String
    let lease: Duration
    /// How often a daemon asks again while every session is held.
    let retry: Duration = .milliseconds(100)

    static func resource(_ target: String) -> String { "cli-session:\(target)" }

    func acquire(_ target: String, limit: Int, wait: Duration) async throws -> Int? {
        let deadline = ContinuousClock.now + wait
        while true {
            try Task.checkCancellation()
            let at = Date()
            if let slot = try? await store.takePermit(
                Self.resource(target), limit: limit, holder: holder, at: at,
                until: at.addingTimeInterval(Double(lease.components.seconds)))
            {
                return slot
            }
            guard ContinuousClock.now + retry < deadline else { return nil }
            try await Task.sleep(for: retry)
        }
    }

    func release(_ target: String, slot: Int) async {
        await store.giveBack(Self.resource(target), slot: slot, holder: holder)
    }
}
