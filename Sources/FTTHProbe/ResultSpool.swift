import Foundation

/// Results the probe has measured but the daemon has not yet acknowledged, one file each, named by
/// the result's idempotency key. A result is written (atomically: a temporary file, then a rename)
/// before its first upload and removed only once the daemon acknowledged it, so a result survives a
/// lost network, a reboot or a crash, and is sent again under the same key, which the daemon
/// answers once.
public struct ResultSpool: Sendable {
    public let directory: URL

    public struct Entry: Sendable, Hashable {
        public var key: String
        /// Where the result goes, e.g. `/v1/service-tests/42/result`.
        public var path: String
        public var body: Data
        public var storedAt: Date
    }

    public enum SpoolError: Error, Sendable, CustomStringConvertible {
        case unusableDirectory(String, String)
        case badKey(String)
        case unreadable(String, String)

        public var description: String {
            switch self {
            case .unusableDirectory(let dir, let why):
                "cannot keep results in \(dir): \(why); give the probe a writable spool directory (--spool)"
            case .badKey(let key): "result key '\(key)' cannot name a file (letters, digits, '-', '_' and '.' only)"
            case .unreadable(let file, let why): "spooled result \(file) cannot be read: \(why)"
            }
        }
    }

    public init(directory: URL) throws(SpoolError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .unusableDirectory(directory.path, "\(error)")
        }
    }

    private static func valid(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 200 && !key.hasPrefix(".")
            && key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == "."
            }
    }

    private func file(_ key: String) -> URL { directory.appendingPathComponent(key + ".result") }

    /// Keeps a result until it is acknowledged. Storing the same key again replaces nothing: the
    /// first body stays, as the daemon would answer a replay with the first.
    public func store(key: String, path: String, body: Data, at date: Date = Date()) throws(SpoolError) {
        guard Self.valid(key) else { throw .badKey(key) }
        let target = file(key)
        if FileManager.default.fileExists(atPath: target.path) { return }
        let record = Record(path: path, body: body.base64EncodedString(), storedAt: date.timeIntervalSince1970)
        do {
            let data = try JSONEncoder().encode(record)
            let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString).tmp")
            try data.write(to: temporary)
            // rename(2) is atomic: a reader sees the whole file or none.
            if rename(temporary.path, target.path) != 0 {
                let why = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw SpoolError.unusableDirectory(directory.path, why)
            }
        } catch let error as SpoolError {
            throw error
        } catch {
            throw .unusableDirectory(directory.path, "\(error)")
        }
    }

    /// Results not yet acknowledged, oldest first. Leftover temporary files are ignored.
    public func pending() throws(SpoolError) -> [Entry] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unusableDirectory(directory.path, "\(error)")
        }
        var entries: [Entry] = []
        for name in names where name.hasSuffix(".result") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            do {
                let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: url))
                guard let body = Data(base64Encoded: record.body) else {
                    throw SpoolError.unreadable(url.path, "body is not base64")
                }
                entries.append(
                    Entry(
                        key: String(name.dropLast(".result".count)), path: record.path, body: body,
                        storedAt: Date(timeIntervalSince1970: record.storedAt)))
            } catch let error as SpoolError {
                throw error
            } catch {
                throw .unreadable(url.path, "\(error)")
            }
        }
        return entries.sorted { ($0.storedAt, $0.key) < ($1.storedAt, $1.key) }
    }

    /// The daemon acknowledged the result: it is not sent again.
    public func acknowledged(key: String) throws(SpoolError) {
        guard Self.valid(key) else { throw .badKey(key) }
        do {
            try FileManager.default.removeItem(at: file(key))
        } catch CocoaError.fileNoSuchFile {
            return
        } catch {
            throw .unusableDirectory(directory.path, "\(error)")
        }
    }

    private struct Record: Codable {
        var path: String
        var body: String
        var storedAt: Double
    }
}
