import Synchronization

/// Counts the API's open connections against a cap shared by all of them and a cap per client
/// address: the connection one past either is closed at once, so that a crowd of idle or
/// half-open connections cannot use up the daemon's file descriptors, and one address opening
/// hundreds cannot take every place from the others.
final class ConnectionLimiter: Sendable {
    /// Connections served at once.
    let maximum: Int
    /// Connections served at once from one address.
    let maximumPerAddress: Int
    private let open = Mutex<(total: Int, perAddress: [String: Int])>((0, [:]))
    private let refusedCount = Atomic<Int>(0)
    private let statistics: APIStatistics

    init(maximum: Int, maximumPerAddress: Int? = nil, statistics: APIStatistics = APIStatistics()) {
        precondition(maximum >= 1, "a connection cap below 1 serves nobody")
        self.maximum = maximum
        self.maximumPerAddress = min(maximum, maximumPerAddress ?? maximum)
        self.statistics = statistics
    }

    /// Why a connection was refused.
    enum Refusal: Equatable {
        case total, address
    }

    /// Takes a place for a new connection from `address`; the refusal when a cap is reached (the
    /// caller closes it).
    func acquire(address: String) -> Refusal? {
        let refusal: Refusal? = open.withLock { open in
            if open.total >= maximum { return .total }
            let fromAddress = open.perAddress[address, default: 0]
            if fromAddress >= maximumPerAddress { return .address }
            open.total += 1
            open.perAddress[address] = fromAddress + 1
            return nil
        }
        if refusal != nil {
            refusedCount.wrappingAdd(1, ordering: .relaxed)
            statistics.countRefusedConnection()
        }
        return refusal
    }

    /// Gives back the place of a connection from `address` that closed.
    func release(address: String) {
        open.withLock { open in
            open.total -= 1
            let left = open.perAddress[address, default: 1] - 1
            open.perAddress[address] = left > 0 ? left : nil
        }
    }

    /// Connections open now.
    var current: Int { open.withLock { $0.total } }

    /// Connections closed because a cap was reached, since the start.
    var refused: Int { refusedCount.load(ordering: .relaxed) }
}
