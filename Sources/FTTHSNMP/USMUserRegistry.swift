import Synchronization

/// Which sessions use which SNMPv3 keys for an agent's engine and user, process-wide.
///
/// net-snmp keeps one USM user (and so one key set) per engine ID and user name for the whole
/// process, and every session to that engine with that user name uses it. Two sessions with the
/// same user but different keys would silently use one another's keys, so the first session
/// holds the user until it closes and a second one with other keys is refused.
final class USMUserRegistry: Sendable {
    /// The registry of the process (net-snmp's USM table is process-wide too).
    static let shared = USMUserRegistry()

    struct User: Hashable, Sendable {
        let engineID: [UInt8]
        let name: String
    }

    struct Keys: Hashable, Sendable {
        let authProtocol: Int32
        let authKey: [UInt8]
        let privProtocol: Int32
        let privKey: [UInt8]
    }

    enum Claim: Equatable {
        /// Nobody else holds the user: (re)create it with these keys.
        case fresh
        /// Other open sessions hold the user with the same keys: use it as it is.
        case shared
        /// Other open sessions hold the user with other keys.
        case conflict
    }

    private struct Entry {
        var keys: Keys
        var owners: Set<ObjectIdentifier>
    }

    private let entries = Mutex<[User: Entry]>([:])

    /// Registers `owner` as a user of `user` with `keys`.
    func claim(_ user: User, keys: Keys, owner: ObjectIdentifier) -> Claim {
        entries.withLock { entries in
            if var entry = entries[user], !entry.owners.subtracting([owner]).isEmpty {
                guard entry.keys == keys else { return .conflict }
                entry.owners.insert(owner)
                entries[user] = entry
                return .shared
            }
            entries[user] = Entry(keys: keys, owners: [owner])
            return .fresh
        }
    }

    /// `owner` no longer uses any user (its session closed).
    func release(_ owner: ObjectIdentifier) {
        entries.withLock { entries in
            for (user, var entry) in entries where entry.owners.contains(owner) {
                entry.owners.remove(owner)
                if entry.owners.isEmpty {
                    entries[user] = nil
                } else {
                    entries[user] = entry
                }
            }
        }
    }
}
