import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore {
    static let evidenceSelect = """
        SELECT b.run_id, b.latitude, b.longitude, b.accuracy_m, b.position_at, b.onu_serial, b.created_by,
            b.created_at, b.updated_by, b.updated_at, pr.code AS project_code, s.name AS splitter_name,
            sp.number AS port_number
        FROM evidence_bundles b
        JOIN test_runs r ON r.id = b.run_id
        JOIN splitter_ports sp ON sp.id = r.port_id
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects pr ON pr.id = s.project_id
        """

    /// The bundles `clause` (a WHERE on `b`, `pr`, `s`, `sp`) selects, oldest run first.
    static func loadEvidence(_ db: PostgresConnection, where clause: PostgresQuery) async throws -> [EvidenceBundle] {
        var bundles: [EvidenceBundle] = []
        let query = PostgresQuery(
            unsafeSQL: evidenceSelect + " " + clause.sql + " ORDER BY b.run_id", binds: clause.binds)
        for row in try await db.rows(query) {
            let runID: Int64 = try row["run_id"]
            let photos = try await db.rows(
                """
                SELECT sha256, media_type, bytes, added_by, added_at FROM evidence_photos
                WHERE run_id = \(runID) ORDER BY id
                """
            ).map { p in
                let sha256: String = try p["sha256"]
                let mediaType: String = try p["media_type"]
                guard let type = EvidenceMediaType(rawValue: mediaType) else {
                    throw StoredEvidence.unknownType(runID: runID, sha256: sha256, mediaType: mediaType)
                }
                return EvidencePhoto(
                    sha256: sha256, mediaType: type, byteCount: try p["bytes"], addedBy: try p["added_by"],
                    addedAt: try p["added_at"])
            }
            let serial: String? = try row["onu_serial"]
            bundles.append(
                EvidenceBundle(
                    runID: runID,
                    port: PortKey(
                        projectCode: try row["project_code"], splitter: try row["splitter_name"],
                        port: try row["port_number"]),
                    position: StoredEvidence.position(
                        latitude: try row["latitude"], longitude: try row["longitude"],
                        accuracyMeters: try row["accuracy_m"]),
                    positionAt: try row["position_at"], serial: serial.flatMap { ONUSerial($0) }, photos: photos,
                    createdBy: try row["created_by"], createdAt: try row["created_at"],
                    updatedBy: try row["updated_by"],
                    updatedAt: try row["updated_at"]))
        }
        return bundles
    }
}

extension PostgresStore: EvidenceStore {
    /// Two crews posting to one run's bundle at once: the upsert of the bundle's row makes the
    /// second wait and, at SERIALIZABLE, run again after the first; a photo both post is kept
    /// once by the bundle's unique (run, hash).
    @discardableResult
    public func addEvidence(
        runID: Int64, photos: [NewEvidencePhoto], position: GeoPosition?, serial: ONUSerial?, by actor: String,
        at: Date
    ) async throws -> EvidenceBundle {
        try await write("recording evidence for test run \(runID)") { db in
            guard try await db.row("SELECT 1 FROM test_runs WHERE id = \(runID)") != nil else {
                throw StoredEvidence.noRun(runID)
            }
            try await db.execute(
                """
                INSERT INTO evidence_bundles (run_id, created_by, created_at, updated_by, updated_at)
                VALUES (\(runID), \(actor), \(at), \(actor), \(at))
                ON CONFLICT (run_id) DO UPDATE SET updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """)
            if let position {
                try await db.execute(
                    """
                    UPDATE evidence_bundles SET latitude = \(position.latitude), longitude = \(position.longitude),
                        accuracy_m = \(position.accuracyMeters), position_at = \(at)
                    WHERE run_id = \(runID)
                    """)
            }
            if let serial {
                try await db.execute("UPDATE evidence_bundles SET onu_serial = \(serial.text) WHERE run_id = \(runID)")
            }
            for photo in photos {
                try await db.execute(
                    """
                    INSERT INTO evidence_photos (run_id, sha256, media_type, bytes, added_by, added_at)
                    VALUES (\(runID), \(photo.sha256), \(photo.mediaType.rawValue), \(photo.byteCount), \(actor), \(at))
                    ON CONFLICT (run_id, sha256) DO NOTHING
                    """)
            }
            guard let bundle = try await Self.loadEvidence(db, where: "WHERE b.run_id = \(runID)").first else {
                throw StoreError.notFound("the evidence of test run \(runID) just written")
            }
            return bundle
        }
    }

    public func evidence(runID: Int64) async throws -> EvidenceBundle? {
        try await read("reading the evidence of test run \(runID)") { db in
            try await Self.loadEvidence(db, where: "WHERE b.run_id = \(runID)").first
        }
    }

    public func evidence(port: PortKey) async throws -> [EvidenceBundle] {
        try await read("reading the evidence of \(port)") { db in
            try await Self.loadEvidence(
                db,
                where: "WHERE pr.code = \(port.projectCode) AND s.name = \(port.splitter) AND sp.number = \(port.port)")
        }
    }

    public func evidencePhotoType(sha256: String) async throws -> EvidenceMediaType? {
        try await read("looking up evidence photo \(sha256)") { db in
            try await db.value(
                "SELECT media_type FROM evidence_photos WHERE sha256 = \(sha256) LIMIT 1", as: String.self
            )
            .flatMap(EvidenceMediaType.init(rawValue:))
        }
    }
}
