import FTTHCore
import GRDB

extension SQLiteStore {
    /// v7-account-passwords-encrypted: the PPPoE test accounts' passwords, stored as imported
    /// until now, are sealed with the store's key (``StoreKey``), each bound to its username.
    /// A value already sealed is left as it is.
    static func registerAccountPasswordMigration(_ migrator: inout DatabaseMigrator, key: StoreKey) {
        migrator.registerMigration("v7-account-passwords-encrypted") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, username, password FROM test_accounts")
            for row in rows {
                let password: String = row["password"]
                guard !StoreKey.isSealed(password) else { continue }
                let username: String = row["username"]
                try db.execute(
                    sql: "UPDATE test_accounts SET password = ? WHERE id = ?",
                    arguments: [try key.seal(password, context: username), row["id"] as Int64])
            }
        }
    }
}
