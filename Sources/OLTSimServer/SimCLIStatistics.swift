/// What clients did on one simulated OLT's command line since it started: for benchmarks that
/// count the commands a workload costs, and for anyone watching a client's behaviour.
public struct SimCLIStatistics: Sendable, Hashable, Codable {
    /// Sessions that passed the session cap (logged in or not).
    public var sessionsOpened = 0
    /// Sessions refused because the cap was reached.
    public var sessionsRefused = 0
    /// The most sessions open at once.
    public var peakSessions = 0
    /// Command lines typed in the shell (login lines excluded), by ``kind(of:)``.
    public var commands: [String: Int] = [:]

    public init() {}

    /// Every command line typed in the shell.
    public var totalCommands: Int { commands.values.reduce(0, +) }

    /// A command line without its arguments: its leading words up to the first one holding a
    /// digit, a quote or a slash (`display ont info 0 1 0 5` → `display ont info`), so that counts
    /// group by command, not by ONU.
    public static func kind(of line: String) -> String {
        let words = line.split(separator: " ")
        let leading = words.prefix { word in !word.contains { $0.isNumber || $0 == "\"" || $0 == "/" } }
        return leading.isEmpty ? String(words.first ?? "") : leading.joined(separator: " ")
    }
}
