import FTTHCore
import Foundation
import Logging
import PostgresNIO

/// Messages from one daemon to every other daemon on the database, through PostgreSQL's
/// `LISTEN/NOTIFY`: a crew following a run on one daemon sees the progress another daemon
/// publishes while it executes the run.
///
/// A message is kept in the unlogged table `broadcasts` and the notification carries only its
/// id: a notification's payload is bounded (8000 bytes), a progress event with its diagnosis is
/// not. Messages older than ``retention`` are deleted as new ones are sent; a daemon that was
/// away longer misses them, as a crew whose phone was off misses a live view (the stored result
/// is what counts).
public final class PostgresBroadcast: Sendable {
    let store: PostgresStore
    /// This daemon: its own messages are not delivered back to it.
    public let sender: String
    let channel: String
    let retention: Duration

    public init(
        store: PostgresStore, sender: String, channel: String = "ftth_progress", retention: Duration = .seconds(600)
    ) {
        self.store = store
        self.sender = sender
        self.channel = channel
        self.retention = retention
    }

    /// Sends `payload` to the other daemons listening now. Throws what the database says.
    public func send(_ payload: Data) async throws {
        let text = String(decoding: payload, as: UTF8.self)
        let seconds = Int(retention.components.seconds)
        _ = try await store.write("broadcasting to the other daemons") { [channel, sender] db in
            guard
                let id = try await db.value(
                    """
                    INSERT INTO broadcasts (channel, sender, payload) VALUES (\(channel), \(sender), \(text))
                    RETURNING id
                    """, as: Int64.self)
            else { return }
            // NOTIFY is sent at commit: a listener that reads the row finds it.
            try await db.execute("SELECT pg_notify(\(channel), \(String(id)))")
            if id % 100 == 0 {
                try await db.execute(
                    "DELETE FROM broadcasts WHERE at < now() - make_interval(secs => \(seconds))")
            }
        }
    }

    /// Every message other daemons send from now on, until the task is cancelled. A lost
    /// connection (PostgreSQL restarted, the connection terminated) is opened again after a
    /// pause, and the messages sent meanwhile, still kept, are delivered then.
    public func messages(logger: Logger) -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let task = Task { [self] in
            var lastID: Int64?
            while !Task.isCancelled {
                do {
                    try await store.client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            // Messages sent while we were away (since the last one seen).
                            if let seen = lastID {
                                lastID = try await deliver(after: seen, on: connection, to: continuation) ?? seen
                            } else {
                                lastID = try await connection.value(
                                    "SELECT COALESCE(MAX(id), 0) FROM broadcasts", as: Int64.self)
                            }
                            // Each notification names its message: read that one (two daemons'
                            // messages may commit out of id order, so "after the last id" could
                            // skip one).
                            for try await notification in notifications {
                                guard let id = Int64(notification.payload) else { continue }
                                try await deliver(id: id, on: connection, to: continuation)
                                lastID = max(lastID ?? 0, id)
                            }
                        }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    if Task.isCancelled { break }
                    logger.warning(
                        "lost the live progress of the other daemons: \(PostgresStore.describe(error, database: store.settings)); listening again in 2 s"
                    )
                    try? await Task.sleep(for: .seconds(2))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Delivers message `id` unless this daemon sent it.
    func deliver(id: Int64, on connection: PostgresConnection, to continuation: AsyncStream<Data>.Continuation)
        async throws
    {
        guard let row = try await connection.row("SELECT sender, payload FROM broadcasts WHERE id = \(id)") else {
            return
        }
        let from: String = try row["sender"]
        guard from != sender else { return }
        let payload: String = try row["payload"]
        continuation.yield(Data(payload.utf8))
    }

    /// Delivers the messages after `id` that others sent; returns the last id read.
    func deliver(after id: Int64, on connection: PostgresConnection, to continuation: AsyncStream<Data>.Continuation)
        async throws -> Int64?
    {
        var last: Int64?
        for row in try await connection.rows(
            "SELECT id, sender, payload FROM broadcasts WHERE id > \(id) AND channel = \(channel) ORDER BY id")
        {
            last = try row["id"]
            let from: String = try row["sender"]
            guard from != sender else { continue }
            let payload: String = try row["payload"]
            continuation.yield(Data(payload.utf8))
        }
        return last
    }
}
