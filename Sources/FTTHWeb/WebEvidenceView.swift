import FTTHCore
import Foundation

/// The values of the evidence partials, for any page that shows a port result's evidence:
/// `{{> evidence-bundle}}` renders one bundle from ``bundle(_:)`` under the key `evidence`
/// (nothing when the key is absent), `{{> evidence-form}}` the form under `evidenceForm`.
/// The run page shows its run's; a port page shows each of its runs' with
/// `values["evidenceBundles"] = try await WebEvidenceView.bundles(port: key, store: store)` and
/// `{{#evidenceBundles}}{{> evidence-bundle}}{{/evidenceBundles}}` in its template.
public enum WebEvidenceView {
    /// The values `{{> evidence-bundle}}` reads under `evidence`: `photos` (`href`, `type`,
    /// `bytes`, `by`, `at`, `isImage`), `position` (text) and `mapText`, `serial`, `by`, `at`,
    /// `updatedBy`, `updatedAt`, `runID`, `port`.
    public static func bundle(_ bundle: EvidenceBundle) -> [String: Any] {
        var values: [String: Any] = [
            "runID": bundle.runID, "port": bundle.port.description,
            "by": bundle.createdBy, "at": time(bundle.createdAt),
            "updatedBy": bundle.updatedBy, "updatedAt": time(bundle.updatedAt),
            "photos": bundle.photos.enumerated().map { index, photo -> [String: Any] in
                [
                    "href": "/evidence/\(photo.sha256)", "type": photo.mediaType.rawValue,
                    "bytes": kibibytes(photo.byteCount), "by": photo.addedBy, "at": time(photo.addedAt),
                    "number": index + 1,
                    // Chromium and most phones show HEIC only as a file to download.
                    "isImage": photo.mediaType != .heic,
                ]
            },
            "hasPhotos": !bundle.photos.isEmpty,
        ]
        if let p = bundle.position {
            values["position"] =
                String(format: "%.6f, %.6f", p.latitude, p.longitude)
                + (p.accuracyMeters.map { String(format: " (±%.0f m)", $0) } ?? "")
            if let at = bundle.positionAt { values["positionAt"] = time(at) }
        }
        if let serial = bundle.serial { values["serial"] = serial.text }
        return values
    }

    /// Every bundle of the port's runs, oldest run first, each as `["evidence": bundle(_:)]` so
    /// that `{{> evidence-bundle}}` renders it inside a `{{#…}}` loop: for a page listing a
    /// port's results with their evidence.
    public static func bundles(port: PortKey, store: any EvidenceStore) async throws -> [[String: Any]] {
        try await store.evidence(port: port).map { ["evidence": bundle($0)] }
    }

    /// `2026-09-21 08:15 UTC`: a time every reader of the evidence reads alike.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    static func kibibytes(_ count: Int) -> String {
        count >= 1024 * 1024
            ? String(format: "%.1f MiB", Double(count) / 1_048_576) : "\(max(1, (count + 1023) / 1024)) KiB"
    }
}
