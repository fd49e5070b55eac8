import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One daemon of the cluster does a job at a time (the scheduler's passes, the outbox's pushes):
/// the one holding a PostgreSQL advisory lock on a connection of its own. When that daemon dies,
/// or its connection is terminated, PostgreSQL releases the lock and the next daemon asking
/// takes it; the job is not of our own coordination scheme, only PostgreSQL's.
public struct PostgresLeadership: Sendable {
    let store: PostgresStore
    /// The job, for logs (`scheduler`, `outbox`).
    public let job: String
    /// The advisory lock's key: one per job, the same in every daemon.
    let key: Int64
    /// How often a daemon without the lock asks for it, and how often the holder checks that
    /// its connection (and with it the lock) is still there.
    let interval: Duration

    public init(store: PostgresStore, job: String, key: Int64, interval: Duration = .seconds(2)) {
        self.store = store
        self.job = job
        self.key = key
        self.interval = interval
    }

    /// The lock keys of the daemon's jobs.
    public static let schedulerKey: Int64 = 0x4654_5448_0101
    public static let outboxKey: Int64 = 0x4654_5448_0102

    /// Runs `body` whenever this daemon holds the lock, until the task is cancelled: `body` is
    /// cancelled as soon as the lock's connection is found lost (within ``interval``), and run
    /// again once the lock is held again.
    public func whileLeading(logger: Logger, _ body: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            do {
                try await store.withOwnConnection { connection in
                    let held =
                        try await connection.value("SELECT pg_try_advisory_lock(\(key))", as: Bool.self) ?? false
                    guard held else { return }
                    logger.notice("this daemon now runs the cluster's \(job)", metadata: ["job": "\(job)"])
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await body() }
                        group.addTask {
                            // The lock lives as long as its connection: watch it.
                            let why = await Self.untilLost(connection, checkEvery: interval)
                            if !Task.isCancelled {
                                logger.warning(
                                    "lost the connection holding the \(job) lock (\(why)); stopping the \(job): another daemon takes it"
                                )
                            }
                        }
                        await group.next()
                        group.cancelAll()
                    }
                    // A query on a closed connection never returns (postgres-nio 1.33).
                    if !connection.isClosed {
                        _ = try? await connection.value("SELECT pg_advisory_unlock(\(key))", as: Bool.self)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "cannot ask for the \(job) lock: \(PostgresStore.describe(error, database: store.settings)); asking again"
                )
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Returns, with the reason, once `connection` is lost: at once when it closes (the server
    /// terminated it or went down: the lock is free for another daemon from that moment), or
    /// when a `SELECT 1` every `interval` fails or goes unanswered for an interval (a network
    /// that drops packets). Returns at once when the task is cancelled.
    static func untilLost(_ connection: PostgresConnection, checkEvery interval: Duration) async -> String {
        let first = FirstAnswer()
        return await withTaskCancellationHandler {
            await first.wait {
                connection.closeFuture.whenComplete { _ in first.answer("the connection closed") }
                Task {
                    while !first.isAnswered {
                        try? await Task.sleep(for: interval)
                        guard !first.isAnswered else { return }
                        // A query on a closed connection never returns: it is not asked.
                        guard !connection.isClosed else { return first.answer("the connection closed") }
                        let replied = Mutex(false)
                        Task {
                            do {
                                try await connection.execute("SELECT 1")
                                replied.withLock { $0 = true }
                            } catch {
                                first.answer("\(error)")
                            }
                        }
                        try? await Task.sleep(for: interval)
                        if !replied.withLock({ $0 }) { first.answer("no answer to SELECT 1 within \(interval)") }
                    }
                }
            }
        } onCancel: {
            first.answer("cancelled")
        }
    }
}

/// The first of several answers racing each other; later ones are dropped.
final class FirstAnswer: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<String, Never>?, answer: String?)>((nil, nil))

    var isAnswered: Bool { state.withLock { $0.answer != nil } }

    /// Waits for the first answer; `start` sets the racers off once the wait has begun.
    func wait(_ start: () -> Void) async -> String {
        await withCheckedContinuation { continuation in
            let early = state.withLock { s -> String? in
                if let answer = s.answer { return answer }
                s.continuation = continuation
                return nil
            }
            if let early { return continuation.resume(returning: early) }
            start()
        }
    }

    func answer(_ answer: String) {
        state.withLock { s in
            guard s.answer == nil else { return }
            s.answer = answer
            s.continuation?.resume(returning: answer)
            s.continuation = nil
        }
    }
}
