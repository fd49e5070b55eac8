import FTTHCore

/// One word of a command line, with where it starts (for the caret under an error).
struct SimCLIToken: Sendable, Hashable {
    var text: String
    var offset: Int
    /// The word was written in double quotes (`desc "name"`).
    var quoted: Bool
}

/// What a position in a command accepts.
enum SimCLIParameter: Sendable, Hashable {
    case keyword(String)
    case integer(ClosedRange<Int>)
    /// `F/S`.
    case frameSlot
    /// `F/S/P`.
    case frameSlotPort
    /// A GPON serial, vendor or 16-hex form.
    case serial
    /// Letters, digits and `-_.`, 1…max characters (profile names, passwords, ONU types).
    case word(maxLength: Int)
    /// Any text of 1…max characters, quoted when it has blanks (descriptions).
    case text(maxLength: Int)
    /// ZTE `gpon-olt_1/2/1` (C300) or `gpon_olt-1/2/1` (C600).
    case oltInterface(c600: Bool)
    /// ZTE `gpon-onu_1/2/1:5` (C300) or `gpon_onu-1/2/1:5` (C600).
    case onuInterface(c600: Bool)

    func accepts(_ token: SimCLIToken) -> Bool {
        let t = token.text
        switch self {
        case .keyword(let k): return !token.quoted && t.lowercased() == k
        case .integer(let range): return Int(t).map(range.contains) ?? false
        case .frameSlot: return Self.numbers(t, count: 2) != nil
        case .frameSlotPort: return Self.numbers(t, count: 3) != nil
        case .serial: return ONUSerial(t) != nil
        case .word(let max):
            return !t.isEmpty && t.count <= max
                && t.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        case .text(let max): return !t.isEmpty && t.count <= max
        case .oltInterface(let c600):
            guard t.hasPrefix(c600 ? "gpon_olt-" : "gpon-olt_") else { return false }
            return Self.numbers(String(t.dropFirst(9)), count: 3) != nil
        case .onuInterface(let c600):
            guard t.hasPrefix(c600 ? "gpon_onu-" : "gpon-onu_") else { return false }
            let rest = t.dropFirst(9).split(separator: ":", omittingEmptySubsequences: false)
            guard rest.count == 2, Self.numbers(String(rest[0]), count: 3) != nil, let id = Int(rest[1]) else {
                return false
            }
            return (1...128).contains(id)
        }
    }

    var isKeyword: Bool {
        if case .keyword = self { return true }
        return false
    }

    /// `0/1/0` → [0, 1, 0] when it has `count` numbers within frame 0…7, slot 0…31, port 0…127.
    static func numbers(_ text: String, count: Int) -> [Int]? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == count else { return nil }
        let limits = [7, 31, 127]
        var out: [Int] = []
        for (i, p) in parts.enumerated() {
            guard p.count <= 3, p.allSatisfy(\.isASCII), let n = Int(p), (0...limits[i]).contains(n) else {
                return nil
            }
            out.append(n)
        }
        return out
    }
}

/// One command form: its words and values, in which modes it is known, and a name the shell
/// dispatches on.
struct SimCLICommand<Mode: Hashable & Sendable>: Sendable {
    var name: String
    var pattern: [SimCLIParameter]
    var modes: Set<Mode>

    init(_ name: String, _ pattern: [SimCLIParameter], in modes: Set<Mode>) {
        self.name = name
        self.pattern = pattern
        self.modes = modes
    }
}

/// Why a line matched no command, and at which token.
enum SimCLIRejection: Error, Sendable, Hashable {
    /// A word no command knows here.
    case unknown(offset: Int)
    /// A value out of range or malformed.
    case parameter(offset: Int)
    /// The line stops before the command is complete.
    case incomplete(offset: Int)
    /// Words after a complete command.
    case tooMany(offset: Int)
}

/// A line matched against a dialect's commands.
enum SimCLIGrammar {
    /// Splits a line into words; a double-quoted word may hold blanks. Nil for an unterminated quote.
    static func tokenize(_ line: String) -> [SimCLIToken]? {
        var tokens: [SimCLIToken] = []
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            if chars[i] == " " || chars[i] == "\t" {
                i += 1
                continue
            }
            let start = i
            if chars[i] == "\"" {
                i += 1
                var text = ""
                while i < chars.count, chars[i] != "\"" {
                    text.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { return nil }
                i += 1
                tokens.append(SimCLIToken(text: text, offset: start, quoted: true))
            } else {
                var text = ""
                while i < chars.count, chars[i] != " ", chars[i] != "\t" {
                    text.append(chars[i])
                    i += 1
                }
                tokens.append(SimCLIToken(text: text, offset: start, quoted: false))
            }
        }
        return tokens
    }

    /// The command the tokens spell in `mode` and its values (every non-keyword token), or why
    /// none does: the failure that got furthest into a command wins.
    static func match<Mode>(
        _ tokens: [SimCLIToken], lineLength: Int, commands: [SimCLICommand<Mode>], mode: Mode
    ) -> Result<(name: String, values: [SimCLIToken]), SimCLIRejection> {
        var best: (depth: Int, rank: Int, rejection: SimCLIRejection)?
        func consider(_ depth: Int, _ rank: Int, _ r: SimCLIRejection) {
            if best == nil || depth > best!.depth || (depth == best!.depth && rank > best!.rank) {
                best = (depth, rank, r)
            }
        }
        for command in commands where command.modes.contains(mode) {
            var values: [SimCLIToken] = []
            var failed = false
            for (i, parameter) in command.pattern.enumerated() {
                guard i < tokens.count else {
                    consider(i, 3, .incomplete(offset: lineLength))
                    failed = true
                    break
                }
                guard parameter.accepts(tokens[i]) else {
                    if parameter.isKeyword {
                        consider(i, 0, .unknown(offset: tokens[i].offset))
                    } else {
                        consider(i, 2, .parameter(offset: tokens[i].offset))
                    }
                    failed = true
                    break
                }
                if !parameter.isKeyword { values.append(tokens[i]) }
            }
            if failed { continue }
            if tokens.count > command.pattern.count {
                consider(command.pattern.count, 1, .tooMany(offset: tokens[command.pattern.count].offset))
                continue
            }
            return .success((command.name, values))
        }
        return .failure(best?.rejection ?? .unknown(offset: tokens.first?.offset ?? 0))
    }

    /// A line of blanks with `^` under column `column`.
    static func caret(at column: Int) -> String { String(repeating: " ", count: max(column, 0)) + "^\n" }
}
