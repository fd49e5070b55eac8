import Foundation

/// What the naming rule knows about the port a test ONU is for.
public struct ONUNameContext: Sendable, Hashable {
    public var projectCode: String
    public var oltName: String
    public var oltAddress: ManagementAddress
    public var pon: PONAddress
    public var splitterName: String
    public var splitterIndex: Int
    public var port: Int

    public init(
        projectCode: String, oltName: String, oltAddress: ManagementAddress, pon: PONAddress,
        splitterName: String, splitterIndex: Int, port: Int
    ) {
        self.projectCode = projectCode
        self.oltName = oltName
        self.oltAddress = oltAddress
        self.pon = pon
        self.splitterName = splitterName
        self.splitterIndex = splitterIndex
        self.port = port
    }
}

/// Errors of the naming rule, each naming the template or the name and what to change.
public enum ONUNamingError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownPlaceholder(String, template: String)
    case unclosedBrace(template: String)
    case missingPlaceholder(String, template: String)
    case adjacentPlaceholders(String, String, template: String)
    case disallowedCharacter(Character, name: String, dialect: VendorDialect)
    case tooLong(name: String, length: Int, limit: Int, dialect: VendorDialect)
    case empty(template: String)
    case duplicate(name: String)

    public var code: String {
        switch self {
        case .unknownPlaceholder: "naming.unknown_placeholder"
        case .unclosedBrace: "naming.unclosed_brace"
        case .missingPlaceholder: "naming.missing_placeholder"
        case .adjacentPlaceholders: "naming.adjacent_placeholders"
        case .disallowedCharacter: "naming.disallowed_character"
        case .tooLong: "naming.too_long"
        case .empty: "naming.empty"
        case .duplicate: "naming.duplicate"
        }
    }

    public var description: String {
        switch self {
        case .unknownPlaceholder(let p, let t):
            "naming template '\(t)' uses unknown placeholder {\(p)}; known: \(ONUNamingRule.placeholders.map { "{\($0)}" }.joined(separator: " "))"
        case .unclosedBrace(let t):
            "naming template '\(t)' has a '{' without its '}'"
        case .missingPlaceholder(let p, let t):
            "naming template '\(t)' lacks \(p): without it two ports could get the same test ONU name"
        case .adjacentPlaceholders(let a, let b, let t):
            "naming template '\(t)' puts {\(a)} right after {\(b)}: separate them with a character such as '-' so that names stay unique"
        case .disallowedCharacter(let c, let name, let d):
            "test ONU name '\(name)' contains '\(c.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())', which \(d.rawValue) does not accept in an ONU name: use only letters, digits, '-', '_' and '.' in the template"
        case .tooLong(let name, let length, let limit, let d):
            "test ONU name '\(name)' is \(length) characters; \(d.rawValue) accepts at most \(limit): shorten the naming template"
        case .empty(let t):
            "naming template '\(t)' gives an empty name"
        case .duplicate(let name):
            "test ONU name '\(name)' is already given to another port: make the naming template include what tells the two ports apart"
        }
    }
}

/// Generates test ONU names from a template such as `FT-{olt_hex}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}`.
///
/// Placeholders: `{project}`, `{olt}` (OLT name), `{olt_ip}`, `{olt_hex}` (the address as hex
/// digits, 8 for IPv4), `{frame}`, `{slot}`, `{pon}`,
/// `{splitter}` (splitter name), `{splitter_index}` (the splitter's ordinal on its PON port), `{port}`
/// (splitter port number). A template must identify the OLT (`{olt}`, `{olt_ip}` or `{olt_hex}`), the PON port
/// (`{frame}`, `{slot}`, `{pon}`), the splitter (`{splitter}` or `{splitter_index}`) and `{port}`,
/// with a literal character between any two placeholders, so that distinct ports get distinct
/// names; the store refuses a duplicate as a last guard.
public struct ONUNamingRule: Sendable, Hashable {
    /// The documented default. With an IPv4 OLT it is at most 30 characters for two-digit frame,
    /// slot and PON numbers, three-digit splitter ordinals and ports 1…128, so it fits ZTE's 32;
    /// the `FT-` prefix lets an engineer tell test ONUs from customers' on the OLT.
    public static let defaultTemplate = "FT-{olt_hex}-{frame}-{slot}-{pon}-S{splitter_index}-P{port}"
    public static let placeholders = [
        "project", "olt", "olt_ip", "olt_hex", "frame", "slot", "pon", "splitter", "splitter_index", "port",
    ]

    enum Piece: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    public let template: String
    let pieces: [Piece]

    /// Parses and checks a template. Throws ``ONUNamingError`` naming what is wrong.
    public init(template: String) throws {
        var pieces: [Piece] = []
        var literal = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            if c == "{" {
                guard let close = template[i...].firstIndex(of: "}") else {
                    throw ONUNamingError.unclosedBrace(template: template)
                }
                let name = String(template[template.index(after: i)..<close])
                guard Self.placeholders.contains(name) else {
                    throw ONUNamingError.unknownPlaceholder(name, template: template)
                }
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                } else if case .placeholder(let previous) = pieces.last {
                    throw ONUNamingError.adjacentPlaceholders(name, previous, template: template)
                }
                pieces.append(.placeholder(name))
                i = template.index(after: close)
            } else {
                literal.append(c)
                i = template.index(after: i)
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        let used = Set(pieces.compactMap { if case .placeholder(let p) = $0 { p } else { nil } })
        let required: [(String, Set<String>)] = [
            ("{olt}, {olt_ip} or {olt_hex}", ["olt", "olt_ip", "olt_hex"]),
            ("{frame}", ["frame"]), ("{slot}", ["slot"]), ("{pon}", ["pon"]),
            ("{splitter} or {splitter_index}", ["splitter", "splitter_index"]),
            ("{port}", ["port"]),
        ]
        for (label, options) in required where used.isDisjoint(with: options) {
            throw ONUNamingError.missingPlaceholder(label, template: template)
        }
        self.template = template
        self.pieces = pieces
    }

    /// The default rule.
    public static let standard = try! ONUNamingRule(template: defaultTemplate)

    /// Renders the name for one port and checks it against the dialect's length and character
    /// limits. Throws ``ONUNamingError`` instead of truncating or rewriting: a silently changed
    /// name could collide with another port's.
    public func name(for context: ONUNameContext, dialect: VendorDialect) throws -> String {
        var name = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): name += s
            case .placeholder(let p):
                switch p {
                case "project": name += context.projectCode
                case "olt": name += context.oltName
                case "olt_ip": name += context.oltAddress.text.replacingOccurrences(of: ":", with: ".")
                case "olt_hex": name += context.oltAddress.hex
                case "frame": name += String(context.pon.frame)
                case "slot": name += String(context.pon.slot)
                case "pon": name += String(context.pon.port)
                case "splitter": name += context.splitterName
                case "splitter_index": name += String(context.splitterIndex)
                case "port": name += String(context.port)
                default: preconditionFailure("placeholder {\(p)} passed validation but has no value")
                }
            }
        }
        guard !name.isEmpty else { throw ONUNamingError.empty(template: template) }
        if let bad = name.first(where: { !dialect.allowsInONUName($0) }) {
            throw ONUNamingError.disallowedCharacter(bad, name: name, dialect: dialect)
        }
        guard name.count <= dialect.maxONUNameLength else {
            throw ONUNamingError.tooLong(
                name: name, length: name.count, limit: dialect.maxONUNameLength, dialect: dialect)
        }
        return name
    }
}
