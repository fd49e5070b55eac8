/// The samples of a Prometheus text exposition, keyed `name{a="x",b="y"}` with the labels sorted
/// by name (just `name` without labels), so tests can look a series up whatever order the
/// registry wrote its labels in (the tests read `/metrics` with it). Label values with escaped
/// quotes are not expected here: the catalogue's labels never hold free text.
public struct ExpositionSamples: Sendable {
    public let values: [String: Double]
    /// The `# HELP` and `# TYPE` lines.
    public let comments: [String]

    public init(_ text: String) {
        var values: [String: Double] = [:]
        var comments: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                comments.append(String(line))
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[Self.key(String(line[..<space]))] = value
        }
        self.values = values
        self.comments = comments
    }

    /// The canonical key of `series` as written (`name{b="y",a="x"}`).
    public static func key(_ series: String) -> String {
        guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else { return series }
        let name = series[..<open]
        let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
        let labels = body.split(separator: ",").map(String.init).sorted()
        return "\(name){\(labels.joined(separator: ","))}"
    }

    /// The value of `name` with `labels`, nil when there is no such series.
    public subscript(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
        return values[labels.isEmpty ? name : "\(name){\(rendered.joined(separator: ","))}"]
    }
}
