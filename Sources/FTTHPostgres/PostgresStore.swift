import FTTHCore
import FTTHStoreKit
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// Where the PostgreSQL store lives and how to log in: from `[store] kind = "postgres"`.
public struct PostgresStoreSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// Require TLS (`sslmode=require` in the URL); otherwise a plain connection, for a database on
    /// the same host or a private network.
    public var requireTLS: Bool
    /// Connections this daemon keeps at most: PostgreSQL's `max_connections` is shared by every
    /// daemon of the cluster.
    public var maximumConnections: Int

    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String,
        requireTLS: Bool = false, maximumConnections: Int = 10
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
        self.maximumConnections = maximumConnections
    }

    /// `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=require]`, with the password given apart
    /// (a password inside the URL is refused: it would end up in files and process lists).
    public init(url text: String, password: String?, maximumConnections: Int = 10) throws {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw StoreError.database(
                operation: "reading [store] url",
                message:
                    "'\(text)' is not a PostgreSQL URL; write it as postgres://USER@HOST:5432/DATABASE")
        }
        guard url.password == nil else {
            throw StoreError.database(
                operation: "reading [store] url",
                message:
                    "the URL carries a password; remove it and give it with [store] password_file or the environment variable FTTH_STORE_PASSWORD"
            )
        }
        guard let user = url.user, !user.isEmpty else {
            throw StoreError.database(
                operation: "reading [store] url",
                message: "'\(text)' names no user; write it as postgres://USER@HOST:5432/DATABASE")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty else {
            throw StoreError.database(
                operation: "reading [store] url",
                message: "'\(text)' names no database; write it as postgres://USER@HOST:5432/DATABASE")
        }
        var requireTLS = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "require"), ("sslmode", "verify-full"): requireTLS = true
            case ("sslmode", "disable"): requireTLS = false
            default:
                throw StoreError.database(
                    operation: "reading [store] url",
                    message:
                        "'\(item.name)=\(item.value ?? "")' is not understood; the URL takes only sslmode=require or sslmode=disable"
                )
            }
        }
        self.init(
            host: host, port: url.port ?? 5432, username: user, password: password, database: database,
            requireTLS: requireTLS, maximumConnections: maximumConnections)
    }

    /// The URL without a password, for messages.
    public var displayURL: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}

/// The store of a cluster of daemons: PostgreSQL through postgres-nio. It keeps the same
/// contracts as ``SQLiteStore`` (the store conformance suite runs against both); every method is
/// one transaction at SERIALIZABLE isolation, retried when PostgreSQL reports a serialization
/// failure, so two daemons reading and writing the same rows behave as if one went after the
/// other — as SQLite's single writer gives for free.
///
/// Run ``run()`` (it is a long-running part: the connection pool) before and while using it.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    /// Encrypts the test accounts' passwords at rest.
    let key: StoreKey
    let logger: Logger
    public let settings: PostgresStoreSettings

    /// A store on `settings`; nothing is connected until ``run()`` runs and ``migrate()`` is called.
    public init(settings: PostgresStoreSettings, key: StoreKey, logger: Logger = Logger(label: "ftth.store.postgres")) {
        self.settings = settings
        self.key = key
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: settings.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = .seconds(5)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Runs `body` on a connection of its own, outside the pool, closed when `body` ends: for what
    /// holds a connection as long as the daemon runs (an advisory lock, `LISTEN`), which would
    /// otherwise take the pool's connections from the runs and the API for ever.
    func withOwnConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let tls: PostgresConnection.Configuration.TLS =
            settings.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: Self.ownConnectionIDs.wrappingAdd(1, ordering: .relaxed).newValue,
            logger: logger)
        do {
            let value = try await body(connection)
            if !connection.isClosed { try? await connection.close() }
            return value
        } catch {
            if !connection.isClosed { try? await connection.close() }
            throw error
        }
    }

    /// The ids of the connections outside the pool, for postgres-nio's logs.
    private static let ownConnectionIDs = Atomic<Int>(0)

    /// Keeps the connection pool until the task is cancelled.
    public func run() async {
        await client.run()
    }

    /// Brings the database to the current schema: see ``migrations``.
    public func migrate() async throws {
        try await Self.migrate(client: client, logger: logger, database: settings.displayURL)
    }

    // MARK: Transactions

    /// How long a store call keeps trying its transaction while PostgreSQL reports serialization
    /// failures before it gives up with an error. Transactions on one project's ports commit
    /// one after the other (each test start reads the project's ports and the CVLANs in use on
    /// its OLT), so the last start of a burst of a few hundred waits seconds behind the others:
    /// a budget of time, not of tries. Eight tries, 0.4 s in all, refused a quarter of
    /// engine-bench's 200 starts on one daemon; with the budget, its slowest start took 7 s on
    /// one daemon and 12 s on three.
    static let retryBudget: Duration = .seconds(30)

    /// The pause before try `attempt + 1`, in milliseconds: growing from 4 ms to at most 250 ms,
    /// jittered so that transactions that collided do not collide again in lockstep.
    /// How often a transaction is tried when its connection is lost before the commit.
    static let connectionAttempts = 8

    static func pauseMilliseconds(after attempt: Int) -> Int {
        Int(Double.random(in: 0.5...1.5) * Double(min(2 << min(attempt, 7), 250)))
    }

    /// Runs `body` in one SERIALIZABLE transaction, again from the start when PostgreSQL reports a
    /// serialization failure or a deadlock (for up to ``retryBudget``), or when the connection
    /// was lost before the commit (PostgreSQL restarting, the connection terminated: the
    /// transaction was rolled back; ``connectionAttempts`` tries, about 9 s in all). A connection
    /// lost during the commit is not tried again, as the commit may have happened. Store errors
    /// pass through, database errors are wrapped with what was being done.
    func write<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.retryBudget
        var attempt = 0
        var lost = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await Self.transaction(connection, logger: logger, body)
                }
            } catch let error as PSQLError where Self.isRetryable(error) && clock.now < deadline {
                // Another transaction, of this daemon or another, touched the same rows: go again.
                try? await Task.sleep(for: .milliseconds(Self.pauseMilliseconds(after: attempt)))
                continue
            } catch let error as PSQLError where Self.isConnectionLoss(error) && lost + 1 < Self.connectionAttempts {
                // Nothing was committed: go again on another connection.
                lost += 1
                logger.notice(
                    "the database connection was lost while \(operation); trying again",
                    metadata: ["attempt": "\(lost)", "error": "\(Self.describe(error, database: settings))"])
                try? await Task.sleep(for: .milliseconds(250 * lost))
                continue
            } catch let error as ConnectionClosed where lost + 1 < Self.connectionAttempts {
                // Found closed before a query: nothing of this transaction was committed.
                lost += 1
                logger.notice(
                    "the database connection was lost while \(operation); trying again",
                    metadata: ["attempt": "\(lost)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(250 * lost))
                continue
            } catch let error as StoreError {
                throw error
            } catch let error as CommitFailure {
                throw StoreError.database(
                    operation: operation,
                    message:
                        "\(Self.describe(error.underlying, database: settings)); the connection failed during the commit, so the change may or may not have been saved: look before doing it again"
                )
            } catch {
                throw StoreError.database(operation: operation, message: Self.describe(error, database: settings))
            }
        }
    }

    /// The connection was found closed before a query was sent on it.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection was closed (by the server, or lost)" }
    }

    /// The commit itself failed: whether it happened is not known.
    struct CommitFailure: Error {
        let underlying: any Error
    }

    /// A read: one SERIALIZABLE READ ONLY transaction (a consistent snapshot of several queries).
    func read<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await write(operation, body)
    }

    static func transaction<T>(
        _ connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try connection.ensureOpen()
        try await connection.query("BEGIN ISOLATION LEVEL SERIALIZABLE", logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            // A query on a closed connection never returns (postgres-nio 1.33); the server rolled
            // back what a lost connection had begun.
            if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
        do {
            try connection.ensureOpen()
            try await connection.query("COMMIT", logger: logger)
        } catch let error as PSQLError where isConnectionLoss(error) {
            throw CommitFailure(underlying: error)
        } catch {
            // A query on a closed connection never returns (postgres-nio 1.33); the server rolled
            // back what a lost connection had begun.
            if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
        return value
    }

    /// PostgreSQL's SQLSTATE of a server error, if it is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// 40001 serialization_failure, 40P01 deadlock_detected: the transaction may simply be run again.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// The connection went away: closed by the server (57P01 terminated by an administrator,
    /// 57P02 crash shutdown, 57P03 cannot connect now), a connection exception (08…), or lost
    /// under postgres-nio.
    static func isConnectionLoss(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: return true
        default: break
        }
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return ["57P01", "57P02", "57P03"].contains(state) || state.hasPrefix("08")
    }

    /// 23505 unique_violation.
    static func isUniqueViolation(_ error: any Error) -> Bool { sqlState(error) == "23505" }

    /// What went wrong, in PostgreSQL's words when it said something, else postgres-nio's.
    static func describe(_ error: any Error, database: PostgresStoreSettings) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                var text = message
                if let detail = info[.detail] { text += " (\(detail))" }
                if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
                return text
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown:
                return
                    "the connection to \(database.displayURL) failed or was closed (\(error.underlying.map { "\($0)" } ?? "\(error.code)")); check that PostgreSQL runs and accepts this daemon's connections"
            default:
                return "\(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
            }
        }
        return String(describing: error)
    }
}

// MARK: Rows and queries

/// A row read by column name, as GRDB's `row["name"]`: `let name: String = try row["name"]`.
struct Row: Sendable {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    subscript<T: PostgresDecodable>(_ column: String) -> T {
        get throws { try cells[column].decode(T.self) }
    }

    subscript<T: PostgresDecodable>(_ index: Int) -> T {
        get throws { try cells[index].decode(T.self) }
    }
}

extension PostgresConnection {
    /// Every row of `query`.
    func rows(_ query: PostgresQuery, logger: Logger = PostgresStore.queryLogger) async throws -> [Row] {
        try ensureOpen()
        return try await self.query(query, logger: logger).collect().map(Row.init)
    }

    /// The first row of `query`, if any.
    /// Throws ``ConnectionClosed`` when the connection is closed: a query sent on a closed
    /// postgres-nio connection (1.33) never returns, and would hang the daemon's store call.
    func ensureOpen() throws {
        if isClosed { throw PostgresStore.ConnectionClosed() }
    }

    func row(_ query: PostgresQuery, logger: Logger = PostgresStore.queryLogger) async throws -> Row? {
        try await rows(query, logger: logger).first
    }

    /// The first column of the first row of `query`, if any (and not NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as: T.Type = T.self) async throws -> T? {
        guard let row = try await row(query) else { return nil }
        let value: T? = try row[0]
        return value
    }

    /// Runs `query` for its effect. (postgres-nio does not report how many rows a statement
    /// changed: a query that needs the count says `RETURNING 1` and counts ``rows(_:logger:)``.)
    func execute(_ query: PostgresQuery, logger: Logger = PostgresStore.queryLogger) async throws {
        try ensureOpen()
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresStore {
    static let queryLogger = Logger(label: "ftth.store.postgres.query")
}

extension PostgresQuery {
    /// `prefix` (SQL without parameters) followed by `clause` with its parameters.
    init(_ prefix: String, _ clause: PostgresQuery) {
        self.init(unsafeSQL: prefix + " " + clause.sql, binds: clause.binds)
    }
}
