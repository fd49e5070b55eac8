import TOMLKit

/// Reads typed values from a TOML table, with errors naming the full key: the one reader of
/// the daemon's and the simulator's configuration files.
public struct TOMLReader {
    public let table: TOMLTable
    /// The key of this table (`olt[0].cli`), empty at the root.
    public let path: String

    public init(table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    public func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
    public func error(_ k: String, _ message: String) -> ConfigurationError {
        ConfigurationError(key: key(k), message: message)
    }

    public func allow(_ keys: [String]) throws {
        for k in table.keys where !keys.contains(k) {
            throw error(k, "unknown key; expected one of \(keys.joined(separator: ", "))")
        }
    }

    public func string(_ k: String, default value: String? = nil) throws -> String {
        guard let v = table[k] else {
            if let value { return value }
            throw error(k, "is required")
        }
        guard let s = v.string, !s.isEmpty else { throw error(k, "must be a non-empty string") }
        return s
    }

    public func strings(_ k: String, default value: [String]) throws -> [String] {
        guard let v = table[k] else { return value }
        guard let a = v.array else { throw error(k, "must be an array of strings") }
        return try a.map { e in
            guard let s = e.string else { throw error(k, "must be an array of strings") }
            return s
        }
    }

    public func int(_ k: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let v = table[k] else { return value }
        guard let i = v.int, range.contains(i) else {
            throw error(k, "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    public func double(_ k: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let v = table[k] else { return value }
        guard let d = v.double ?? v.int.map(Double.init), d.isFinite, range.contains(d) else {
            throw error(k, "must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    public func bool(_ k: String, default value: Bool) throws -> Bool {
        guard let v = table[k] else { return value }
        guard let b = v.bool else { throw error(k, "must be true or false") }
        return b
    }

    public func optionalTable(_ k: String) throws -> TOMLReader? {
        guard let v = table[k] else { return nil }
        guard let t = v.table else { throw error(k, "must be a table") }
        return TOMLReader(table: t, path: key(k))
    }

    public func tables(_ k: String) throws -> [TOMLReader] {
        guard let v = table[k] else { return [] }
        guard let a = v.array else { throw error(k, "must be an array of tables: write [[\(key(k))]]") }
        return try a.enumerated().map { i, e in
            guard let t = e.table else { throw error(k, "must be an array of tables: write [[\(key(k))]]") }
            return TOMLReader(table: t, path: "\(key(k))[\(i)]")
        }
    }
}
