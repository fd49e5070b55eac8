import Foundation

/// A device's detail view: `Key : value` lines (Huawei `display ont info`, ZTE
/// `show gpon onu detail-info`). First occurrence of each key; keys and values trimmed.
enum CLIKeyValueView {
    static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !key.hasPrefix("-"), result[key] == nil else { continue }
            result[key] = value
        }
        return result
    }
}
