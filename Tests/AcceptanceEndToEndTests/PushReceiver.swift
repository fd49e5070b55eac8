import Foundation
import Hummingbird
import Logging
import Synchronization

/// The account-opening system's webhook, on loopback: answers 503 to the first `failFirst`
/// pushes (a receiver that is down), then 200; records every push it acknowledged by its
/// Idempotency-Key.
final class PushReceiver: Sendable {
    let port: Int
    let state: ReceiverState
    let task: Task<Void, any Error>

    private init(port: Int, state: ReceiverState, task: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.task = task
    }

    /// The keys of the pushes it acknowledged, in order.
    var keys: [String] { state.acknowledged.withLock { $0 } }
    /// How many pushes it refused.
    var refusals: Int { state.refused.withLock { $0 } }

    static func start(failFirst: Int) async throws -> PushReceiver {
        let state = ReceiverState(failFirst: failFirst)
        let router = Router()
        router.post("/accepted") { request, _ -> Response in
            let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value ?? ""
            return Response(status: state.receive(key) ? .ok : .serviceUnavailable)
        }
        let (bound, boundInput) = AsyncStream<Int>.makeStream()
        // Stopped by cancellation, which Hummingbird reports as an error: only what matters shows.
        var logger = Logger(label: "e2e.receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in boundInput.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in bound {
            port = p
            break
        }
        return PushReceiver(port: port, state: state, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// What the receiver has seen, shared with its route.
final class ReceiverState: Sendable {
    let failFirst: Int
    let acknowledged = Mutex<[String]>([])
    let refused = Mutex(0)

    init(failFirst: Int) { self.failFirst = failFirst }

    /// Whether to acknowledge this push.
    func receive(_ key: String) -> Bool {
        let refuse = refused.withLock { count in
            if count < failFirst {
                count += 1
                return true
            }
            return false
        }
        if refuse { return false }
        acknowledged.withLock { $0.append(key) }
        return true
    }
}
