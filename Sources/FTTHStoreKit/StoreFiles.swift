import Foundation

/// The files a store keeps on the daemon's disk: the SQLite store's database and the store key
/// beside it (``StoreKey/besideStore(_:)``), which both stores use.
package enum StoreFiles {
    /// Creates the directory of `path` (0700) when it does not exist; an existing directory (the
    /// working directory, /tmp) is not the store's to change.
    package static func prepareDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
