import FTTHCore
import Foundation
import GRDB

extension SQLiteStore {
    /// v9-evidence: one evidence bundle per test run (position, the test ONT's serial, who and
    /// when) and its photos, each named by the SHA-256 of its file under the state directory.
    static func registerEvidenceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-evidence") { db in
            try db.execute(
                sql: """
                    CREATE TABLE evidence_bundles (
                        run_id INTEGER PRIMARY KEY REFERENCES test_runs(id),
                        latitude REAL CHECK (latitude BETWEEN -90 AND 90),
                        longitude REAL CHECK (longitude BETWEEN -180 AND 180),
                        accuracy_m REAL CHECK (accuracy_m >= 0),
                        position_at DATETIME,
                        onu_serial TEXT,
                        created_by TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        updated_by TEXT NOT NULL,
                        updated_at DATETIME NOT NULL,
                        CHECK ((latitude IS NULL) = (longitude IS NULL))
                    );
                    CREATE TABLE evidence_photos (
                        id INTEGER PRIMARY KEY,
                        run_id INTEGER NOT NULL REFERENCES evidence_bundles(run_id) ON DELETE CASCADE,
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        media_type TEXT NOT NULL
                            CHECK (media_type IN ('image/jpeg', 'image/png', 'image/heic', 'image/webp')),
                        bytes INTEGER NOT NULL CHECK (bytes > 0),
                        added_by TEXT NOT NULL,
                        added_at DATETIME NOT NULL,
                        UNIQUE (run_id, sha256)
                    );
                    CREATE INDEX evidence_photos_sha256 ON evidence_photos (sha256);
                    """)
        }
    }

    static func loadEvidence(_ db: Database, where clause: String, _ arguments: StatementArguments) throws
        -> [EvidenceBundle]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT b.*, pr.code AS project_code, s.name AS splitter_name, sp.number AS port_number
                FROM evidence_bundles b
                JOIN test_runs r ON r.id = b.run_id
                JOIN splitter_ports sp ON sp.id = r.port_id
                JOIN splitters s ON s.id = sp.splitter_id
                JOIN projects pr ON pr.id = s.project_id
                \(clause) ORDER BY b.run_id
                """, arguments: arguments)
        return try rows.map { row in
            let runID: Int64 = row["run_id"]
            let photos = try Row.fetchAll(
                db,
                sql:
                    "SELECT sha256, media_type, bytes, added_by, added_at FROM evidence_photos WHERE run_id = ? ORDER BY id",
                arguments: [runID]
            ).map { p in
                guard let type = EvidenceMediaType(rawValue: p["media_type"]) else {
                    throw StoredEvidence.unknownType(runID: runID, sha256: p["sha256"], mediaType: p["media_type"])
                }
                return EvidencePhoto(
                    sha256: p["sha256"], mediaType: type, byteCount: p["bytes"], addedBy: p["added_by"],
                    addedAt: p["added_at"])
            }
            let position = StoredEvidence.position(
                latitude: row["latitude"], longitude: row["longitude"], accuracyMeters: row["accuracy_m"])
            return EvidenceBundle(
                runID: runID,
                port: PortKey(
                    projectCode: row["project_code"], splitter: row["splitter_name"], port: row["port_number"]),
                position: position, positionAt: row["position_at"],
                serial: (row["onu_serial"] as String?).flatMap { ONUSerial($0) }, photos: photos,
                createdBy: row["created_by"], createdAt: row["created_at"], updatedBy: row["updated_by"],
                updatedAt: row["updated_at"])
        }
    }
}

extension SQLiteStore: EvidenceStore {
    @discardableResult
    public func addEvidence(
        runID: Int64, photos: [NewEvidencePhoto], position: GeoPosition?, serial: ONUSerial?, by actor: String,
        at: Date
    ) async throws -> EvidenceBundle {
        try await write("recording evidence for test run \(runID)") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM test_runs WHERE id = ?", arguments: [runID]) == true else {
                throw StoredEvidence.noRun(runID)
            }
            try db.execute(
                sql: """
                    INSERT INTO evidence_bundles (run_id, created_by, created_at, updated_by, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (run_id) DO UPDATE SET updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """, arguments: [runID, actor, at, actor, at])
            if let position {
                try db.execute(
                    sql:
                        "UPDATE evidence_bundles SET latitude = ?, longitude = ?, accuracy_m = ?, position_at = ? WHERE run_id = ?",
                    arguments: [position.latitude, position.longitude, position.accuracyMeters, at, runID])
            }
            if let serial {
                try db.execute(
                    sql: "UPDATE evidence_bundles SET onu_serial = ? WHERE run_id = ?", arguments: [serial.text, runID])
            }
            for photo in photos {
                try db.execute(
                    sql: """
                        INSERT INTO evidence_photos (run_id, sha256, media_type, bytes, added_by, added_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, sha256) DO NOTHING
                        """,
                    arguments: [runID, photo.sha256, photo.mediaType.rawValue, photo.byteCount, actor, at])
            }
            guard let bundle = try Self.loadEvidence(db, where: "WHERE b.run_id = ?", [runID]).first else {
                throw StoreError.notFound("the evidence of test run \(runID) just written")
            }
            return bundle
        }
    }

    public func evidence(runID: Int64) async throws -> EvidenceBundle? {
        try await read("reading the evidence of test run \(runID)") { db in
            try Self.loadEvidence(db, where: "WHERE b.run_id = ?", [runID]).first
        }
    }

    public func evidence(port: PortKey) async throws -> [EvidenceBundle] {
        try await read("reading the evidence of \(port)") { db in
            try Self.loadEvidence(
                db, where: "WHERE pr.code = ? AND s.name = ? AND sp.number = ?",
                [port.projectCode, port.splitter, port.port])
        }
    }

    public func evidencePhotoType(sha256: String) async throws -> EvidenceMediaType? {
        try await read("looking up evidence photo \(sha256)") { db in
            try String.fetchOne(
                db, sql: "SELECT media_type FROM evidence_photos WHERE sha256 = ? LIMIT 1", arguments: [sha256]
            ).flatMap(EvidenceMediaType.init(rawValue:))
        }
    }
}
