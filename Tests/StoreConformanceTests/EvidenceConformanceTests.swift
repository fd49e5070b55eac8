import FTTHCore
import Foundation
import Testing

/// The contract of ``EvidenceStore``: one bundle per run, added to in one transaction, a photo
/// once per bundle, known by its hash with the type it was stored with.
@Suite("Store conformance: evidence")
struct EvidenceConformanceTests {
    typealias Base = StoreConformanceTests
    static let photo = NewEvidencePhoto(sha256: String(repeating: "ab", count: 32), mediaType: .png, byteCount: 2048)
    static let other = NewEvidencePhoto(sha256: String(repeating: "cd", count: 32), mediaType: .jpeg, byteCount: 4096)

    @Test(arguments: StoreKind.allCases)
    func aRunsBundleGathersPhotosPositionAndSerialOnce(_ kind: StoreKind) async throws {
        let h = try await Base().imported(kind)
        let run = try await Base().runToReading(h.store, Base.p1, serial: "HWTC7E570001", onu: 1)
        try await Base().finish(h.store, run, Base.good)
        #expect(try await h.store.evidence(runID: run.id) == nil)
        let here = try GeoPosition(latitude: 31.2304, longitude: 121.4737, accuracyMeters: 15)
        let first = try await h.store.addEvidence(
            runID: run.id, photos: [Self.photo], position: here, serial: nil, by: "wang", at: Base.t0)
        #expect(first.port == Base.p1)
        #expect(first.photos.map(\.sha256) == [Self.photo.sha256])
        let later = Base.t0.addingTimeInterval(300)
        let second = try await h.store.addEvidence(
            runID: run.id, photos: [Self.photo, Self.other], position: nil, serial: ONUSerial("HWTC7E570103"),
            by: "zhao", at: later)
        #expect(second.photos.map(\.sha256) == [Self.photo.sha256, Self.other.sha256])
        #expect(second.photos.map(\.addedBy) == ["wang", "zhao"])
        #expect(second.position == here && second.positionAt == Base.t0)
        #expect(second.serial == ONUSerial("HWTC7E570103"))
        #expect(second.createdBy == "wang" && second.createdAt == Base.t0)
        #expect(second.updatedBy == "zhao" && second.updatedAt == later)
        #expect(try await h.store.evidence(runID: run.id) == second)
        #expect(try await h.store.evidence(port: Base.p1) == [second])
        #expect(try await h.store.evidence(port: Base.p2).isEmpty)
        #expect(try await h.store.evidencePhotoType(sha256: Self.other.sha256) == .jpeg)
        #expect(try await h.store.evidencePhotoType(sha256: String(repeating: "0", count: 64)) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func evidenceForNoRunIsRefusedAndLeavesNothing(_ kind: StoreKind) async throws {
        let h = try await Base().imported(kind)
        await #expect(throws: StoreError.self) {
            try await h.store.addEvidence(
                runID: 404, photos: [Self.photo], position: nil, serial: nil, by: "wang", at: Base.t0)
        }
        #expect(try await h.store.evidencePhotoType(sha256: Self.photo.sha256) == nil)
    }
}
