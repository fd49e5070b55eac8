import Foundation
import Logging
import PostgresNIO

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
                try await store.client.withConnection { connection in
                    let held =
                        try await connection.value("SELECT pg_try_advisory_lock(\(key))", as: Bool.self) ?? false
                    guard held else { return }
                    logger.notice("this daemon now runs the cluster's \(job)", metadata: ["job": "\(job)"])
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await body() }
                        group.addTask {
                            // The lock lives as long as its connection: check it.
                            while !Task.isCancelled {
                                do {
                                    try await Task.sleep(for: interval)
                                    try await connection.execute("SELECT 1")
                                } catch {
                                    if !Task.isCancelled {
                                        logger.warning(
                                            "lost the connection holding the \(job) lock (\(error)); stopping the \(job): another daemon takes it"
                                        )
                                    }
                                    return
                                }
                            }
                        }
                        await group.next()
                        group.cancelAll()
                    }
                    _ = try? await connection.value("SELECT pg_advisory_unlock(\(key))", as: Bool.self)
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
}
