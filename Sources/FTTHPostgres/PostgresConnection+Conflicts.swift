import FTTHCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query`, turning a unique violation of `constraint` into `conflict`: the same
    /// ``StoreError`` the SQLite store throws when its check before the insert finds the row.
    ///
    /// Why both a check and this: SQLite has one writer, so its check cannot be overtaken. Here
    /// two daemons may both check, find nothing and insert. The loser's transaction then fails
    /// either with a serialization failure (it is retried, and its check now finds the row) or,
    /// when PostgreSQL cannot tell the two apart, with the unique violation, which must not
    /// reach the caller as a database failure.
    func execute(
        _ query: PostgresQuery, uniqueConstraint constraint: String, conflict: @autoclosure () -> StoreError
    ) async throws {
        do {
            try await execute(query)
        } catch let error as PSQLError
            where error.serverInfo?[.sqlState] == "23505" && error.serverInfo?[.constraintName] == constraint
        {
            throw conflict()
        }
    }
}
