import FTTHCore
import Foundation

extension SQLiteStore {
    /// The store holds tokens' hashes, test accounts and the operator's network: only its owner
    /// may read it, whatever the umask. Under systemd, `StateDirectory=` makes the directory;
    /// elsewhere (a crew laptop, `ftthctl --store`) a directory this creates is 0700 and the file
    /// 0600. SQLite gives its -wal and -shm files the mode of the database file. A store left
    /// readable by others by an older version is narrowed to 0600 when it is opened.
    static func prepareFile(at path: String) throws {
        try StoreFiles.prepareDirectory(of: path)
        guard path != ":memory:", !path.isEmpty else { return }
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            // Let SQLite report what is wrong with the path, in its words.
            return
        }
        close(descriptor)
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            // Another user's file (root's ftthctl on the daemon's store) is left to its owner.
            guard stat(file, &status) == 0, status.st_uid == geteuid(), status.st_mode & 0o077 != 0 else { continue }
            if chmod(file, 0o600) != 0 {
                throw StoreError.database(
                    operation: "narrowing \(file) to mode 0600",
                    message:
                        "\(String(cString: strerror(errno))); the store is readable by other users: run 'chmod 600 \(file)' as its owner"
                )
            }
        }
    }
}
