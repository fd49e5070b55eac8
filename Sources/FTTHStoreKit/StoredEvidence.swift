import FTTHCore
import Foundation

/// The rules of evidence bundles as stored, one definition for every store.
package enum StoredEvidence {
    /// Evidence for a run that does not exist.
    package static func noRun(_ runID: Int64) -> StoreError {
        StoreError.notFound("test run \(runID): evidence belongs to a port test that exists")
    }

    /// A photo row whose type this version does not know: a corrupt row, never a crash.
    package static func unknownType(runID: Int64, sha256: String, mediaType: String) -> StoreError {
        StoreError.corruptRow(
            table: "evidence_photos", id: runID, problem: "photo \(sha256) has the unknown type \(mediaType)")
    }

    /// The stored position, when both coordinates are there and still make a position (the
    /// table's checks keep them in range; one that is not reads as none rather than failing the
    /// bundle).
    package static func position(latitude: Double?, longitude: Double?, accuracyMeters: Double?) -> GeoPosition? {
        guard let latitude, let longitude else { return nil }
        return try? GeoPosition(latitude: latitude, longitude: longitude, accuracyMeters: accuracyMeters)
    }
}
