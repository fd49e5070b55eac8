import Foundation

/// Where the crew's phone was when it recorded evidence, as its browser's Geolocation API (or
/// the crew, typing) gave it.
public struct GeoPosition: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    /// The radius, in metres, the phone is 95 % sure of; nil when typed by hand.
    public var accuracyMeters: Double?

    /// Why a position is refused.
    public enum Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        case latitude, longitude, accuracy

        public var description: String {
            switch self {
            case .latitude: "the latitude must be a number from -90 to 90 (degrees, such as 31.2304)"
            case .longitude: "the longitude must be a number from -180 to 180 (degrees, such as 121.4737)"
            case .accuracy: "the accuracy must be a number of metres from 0 to 100000"
            }
        }
    }

    /// A checked position. Throws ``Invalid`` for a coordinate off the globe or an accuracy
    /// that is negative, huge or not a number.
    public init(latitude: Double, longitude: Double, accuracyMeters: Double?) throws(Invalid) {
        guard latitude.isFinite, (-90...90).contains(latitude) else { throw .latitude }
        guard longitude.isFinite, (-180...180).contains(longitude) else { throw .longitude }
        if let accuracyMeters {
            guard accuracyMeters.isFinite, (0...100_000).contains(accuracyMeters) else { throw .accuracy }
        }
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyMeters = accuracyMeters
    }

    /// A position from form text (`latitude`, `longitude`, optional `accuracy`); nil when both
    /// coordinates are blank. Throws ``Invalid`` for text that is not a valid coordinate.
    public static func parse(latitude: String, longitude: String, accuracy: String) throws(Invalid) -> GeoPosition? {
        let lat = latitude.trimmingCharacters(in: .whitespaces)
        let lon = longitude.trimmingCharacters(in: .whitespaces)
        let acc = accuracy.trimmingCharacters(in: .whitespaces)
        if lat.isEmpty && lon.isEmpty { return nil }
        guard let la = Double(lat) else { throw .latitude }
        guard let lo = Double(lon) else { throw .longitude }
        var metres: Double?
        if !acc.isEmpty {
            guard let a = Double(acc) else { throw .accuracy }
            metres = a
        }
        return try GeoPosition(latitude: la, longitude: lo, accuracyMeters: metres)
    }
}

/// One photo of an evidence bundle: the file is kept once by its content's SHA-256.
public struct EvidencePhoto: Sendable, Hashable, Codable {
    /// Lower-case hex SHA-256 of the file's bytes: its name in the evidence directory.
    public var sha256: String
    public var mediaType: EvidenceMediaType
    public var byteCount: Int
    /// The account that attached it.
    public var addedBy: String
    public var addedAt: Date

    public init(sha256: String, mediaType: EvidenceMediaType, byteCount: Int, addedBy: String, addedAt: Date) {
        self.sha256 = sha256
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.addedBy = addedBy
        self.addedAt = addedAt
    }

    /// Whether `text` is a SHA-256 as photos are named: 64 lower-case hex digits.
    public static func isContentHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// What a crew attaches to one port result (one test run): photos, where the phone was, the
/// test ONT's serial, who and when. One bundle per run; later posts add photos and replace the
/// position or serial they carry.
public struct EvidenceBundle: Sendable, Hashable, Codable {
    public var runID: Int64
    public var port: PortKey
    public var position: GeoPosition?
    /// When ``position`` was recorded.
    public var positionAt: Date?
    /// The test ONT's serial as the crew read it off its label.
    public var serial: ONUSerial?
    /// Oldest first.
    public var photos: [EvidencePhoto]
    /// Who first recorded evidence for the run, and when; who last changed it, and when.
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        runID: Int64, port: PortKey, position: GeoPosition?, positionAt: Date?, serial: ONUSerial?,
        photos: [EvidencePhoto], createdBy: String, createdAt: Date, updatedBy: String, updatedAt: Date
    ) {
        self.runID = runID
        self.port = port
        self.position = position
        self.positionAt = positionAt
        self.serial = serial
        self.photos = photos
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// A photo whose file is already kept under its hash, to be recorded in a bundle.
public struct NewEvidencePhoto: Sendable, Hashable {
    public var sha256: String
    public var mediaType: EvidenceMediaType
    public var byteCount: Int

    /// `sha256` must be 64 lower-case hex digits (``EvidencePhoto/isContentHash(_:)``).
    public init(sha256: String, mediaType: EvidenceMediaType, byteCount: Int) {
        precondition(EvidencePhoto.isContentHash(sha256), "an evidence photo is named by its SHA-256 in hex")
        self.sha256 = sha256
        self.mediaType = mediaType
        self.byteCount = byteCount
    }
}

/// Where evidence bundles are kept. The photo files themselves live under the daemon's state
/// directory, named by hash; the store keeps which run each belongs to and its type.
public protocol EvidenceStore: Sendable {
    /// Adds to the bundle of run `runID` in one transaction (creating it): `photos` (a photo
    /// already in the bundle is not added twice), and `position` / `serial` when given (they
    /// replace earlier ones). Returns the bundle as stored. Throws ``StoreError/notFound(_:)``
    /// when there is no such run.
    @discardableResult
    func addEvidence(
        runID: Int64, photos: [NewEvidencePhoto], position: GeoPosition?, serial: ONUSerial?, by actor: String,
        at: Date
    ) async throws -> EvidenceBundle

    /// The bundle of run `runID`; nil when nothing was attached.
    func evidence(runID: Int64) async throws -> EvidenceBundle?

    /// Every bundle of the port's runs, oldest run first: the evidence of a port's results.
    func evidence(port: PortKey) async throws -> [EvidenceBundle]

    /// The stored type of the photo with content hash `sha256`; nil when no bundle holds it
    /// (then it is not served).
    func evidencePhotoType(sha256: String) async throws -> EvidenceMediaType?
}
