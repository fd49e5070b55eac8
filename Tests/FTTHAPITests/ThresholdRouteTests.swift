import FTTHAPI
import FTTHCore
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ThresholdRouteTests {
    @Test func aChangeIsAuditedWithWhoWhenOldAndNew() async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"min_onu_rx_dbm": -21.5, "max_upstream_attenuation_db": null}"#)
        #expect(response.status == .ok, "\(response.text)")
        let profile = try #require(response.json["profile"] as? [String: Any])
        #expect(profile["min_onu_rx_dbm"] as? Double == -21.5)
        #expect(profile["max_upstream_attenuation_db"] is NSNull)

        let history = try await f.request(.get, "/v1/thresholds/build/history", headers: f.headers(.admin))
        let changes = try #require(history.json["changes"] as? [[String: Any]])
        #expect(changes.count == 2)
        #expect(changes.allSatisfy { $0["actor"] as? String == "admin-token" })
        #expect(changes.allSatisfy { $0["at"] as? String == "2026-09-21T14:13:20Z" })
        let rx = try #require(changes.first { $0["key"] as? String == "min_onu_rx_dbm" })
        #expect(rx["old_value"] as? Double == -20)
        #expect(rx["new_value"] as? Double == -21.5)
        let up = try #require(changes.first { $0["key"] as? String == "max_upstream_attenuation_db" })
        #expect(up["old_value"] as? Double == 28)
        #expect(up["new_value"] is NSNull)

        let list = try await f.request(.get, "/v1/thresholds", headers: f.headers(.crew))
        let profiles = try #require(list.json["profiles"] as? [[String: Any]])
        let build = try #require(profiles.first { $0["name"] as? String == "build" })
        #expect(build["min_onu_rx_dbm"] as? Double == -21.5)
        let user = try #require(profiles.first { $0["name"] as? String == "user" })
        #expect(user["min_onu_rx_dbm"] as? Double == -27)
    }

    @Test func theAuditIsAppendOnly() async throws {
        let f = try await APIFixture()
        _ = try await f.request(
            .put, "/v1/thresholds/user", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"min_onu_rx_dbm": -26}"#)
        let db = try DatabaseQueue(path: f.path)
        #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM threshold_changes") } == 1)
        #expect(throws: DatabaseError.self) {
            try db.write { try $0.execute(sql: "UPDATE threshold_changes SET new_value = '-30.00'") }
        }
        #expect(throws: DatabaseError.self) {
            try db.write { try $0.execute(sql: "DELETE FROM threshold_changes") }
        }
        #expect(
            try await db.read { try String.fetchOne($0, sql: "SELECT new_value FROM threshold_changes") } == "-26.00")
    }

    @Test(arguments: [
        (#"{"min_onu_rx_dbm": "low"}"#, "min_onu_rx_dbm"),
        (#"{"min_onu_rx_dbm": true}"#, "min_onu_rx_dbm"),
        (#"{"min_onu_rx_dbm": 500}"#, "min_onu_rx_dbm"),
        (#"{"min_onu_rx": -20}"#, "min_onu_rx"),
        (#"{}"#, "body"),
        (#"{"min_onu_rx_dbm": -5}"#, "min_onu_rx_dbm"),
    ])
    func invalidValuesAre422NamingTheFieldAndChangeNothing(body: String, field: String) async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"), body: body)
        #expect(response.status == .unprocessableContent, "\(response.text)")
        #expect(response.errorField == field)
        #expect(try await f.store.thresholdHistory(profile: nil).isEmpty)
    }

    @Test func malformedJSONIs400AndAnUnknownProfile404() async throws {
        let f = try await APIFixture()
        let malformed = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"min_onu_rx_dbm": "#)
        #expect(malformed.status == .badRequest)
        #expect(malformed.errorCode == "request.malformed")
        let unknown = try await f.request(
            .put, "/v1/thresholds/nope", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"min_onu_rx_dbm": -20}"#)
        #expect(unknown.status == .notFound)
        let history = try await f.request(.get, "/v1/thresholds/nope/history", headers: f.headers(.admin))
        #expect(history.status == .notFound)
    }
}

@Suite struct TokenSecrecyTests {
    @Test func theSecretIsNeverStoredOnlyItsSHA256() async throws {
        let f = try await APIFixture()
        let secret = f.secrets[.admin]!
        #expect(secret.hasPrefix("ftth_"))
        // 32 bytes in base64url without padding: 43 characters.
        #expect(secret.count == 5 + 43)
        #expect(secret.dropFirst(5).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let db = try DatabaseQueue(path: f.path)
        let everything = try await db.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table)").flatMap { row in
                    row.databaseValues.map { $0.description }
                }
            }
        }.joined(separator: "\n")
        #expect(!everything.contains(secret))
        #expect(!everything.contains(String(secret.dropFirst(5))))
        let hashes = try await db.read { try String.fetchAll($0, sql: "SELECT secret_sha256 FROM api_tokens") }
        #expect(hashes.count == APIRole.allCases.count + 1)  // one per role and the revoked one
        #expect(hashes.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
        // The file itself, WAL included, holds no secret either.
        for file in try FileManager.default.contentsOfDirectory(atPath: f.directory.path) {
            let data = try Data(contentsOf: f.directory.appendingPathComponent(file))
            #expect(data.range(of: Data(secret.utf8)) == nil, "\(file)")
        }
    }
}
