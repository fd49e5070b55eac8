import Crypto
import FTTHCore
import Foundation

/// The evidence photos on disk: each file named by the SHA-256 of its bytes under a two-hex-digit
/// folder (`ab/ab12…`), so the same photo sent twice is one file, and a name can never reach
/// outside the directory (only 64 hex digits are ever used as one).
struct WebEvidenceFiles: Sendable {
    let directory: URL

    /// Why a photo could not be kept or read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    }

    static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            ?? hasher.update(data: Data(bytes))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    func url(sha256: String) -> URL {
        precondition(EvidencePhoto.isContentHash(sha256), "evidence files are named by their SHA-256 only")
        return directory.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(sha256)
    }

    /// Keeps `bytes` under their hash (written to a temporary file and renamed, so a reader
    /// never sees half a photo; nothing is written when the file is already there) and returns
    /// the hash. Throws ``Failure`` naming the directory when it cannot be written.
    func keep(_ bytes: ArraySlice<UInt8>) throws -> String {
        let hash = Self.sha256Hex(bytes)
        let target = url(sha256: hash)
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) { return hash }
        let folder = target.deletingLastPathComponent()
        do {
            try manager.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = folder.appendingPathComponent(".\(hash).\(UUID().uuidString).part")
            try Data(bytes).write(to: temporary)
            if rename(temporary.path, target.path) != 0 {
                let code = errno
                try? manager.removeItem(at: temporary)
                throw Failure(description: "renaming into \(target.path) failed: \(String(cString: strerror(code)))")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(
                description:
                    "cannot write the evidence photo into \(folder.path): \(error.localizedDescription); check that the directory ([web] evidence_dir) is writable by the daemon"
            )
        }
        return hash
    }

    /// The bytes of the photo with hash `sha256`; nil when the file is missing.
    func read(sha256: String) -> Data? {
        try? Data(contentsOf: url(sha256: sha256))
    }
}
