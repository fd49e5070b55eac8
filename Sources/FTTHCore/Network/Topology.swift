import Foundation

/// The OLT command dialects the product drives. The dialect decides the CLI grammar, the SNMP
/// tables, and the limits on what an ONU may be called.
public enum VendorDialect: String, Sendable, Hashable, Codable, CaseIterable {
    case huaweiMA5600T = "huawei-ma5600t"
    case huaweiMA5800 = "huawei-ma5800"
    case zteC300 = "zte-c300"
    case zteC600 = "zte-c600"

    /// Parses the dialect names used in CSV and config (`huawei-ma5800`, also `huawei` and `zte`
    /// for the older platform of each vendor).
    public init?(name: String) {
        switch name.trimmingWhitespace().lowercased() {
        case "huawei", "huawei-ma5600t", "ma5600t", "ma5680t", "ma5683t", "ma5603t": self = .huaweiMA5600T
        case "huawei-ma5800", "ma5800": self = .huaweiMA5800
        case "zte", "zte-c300", "c300", "c320": self = .zteC300
        case "zte-c600", "c600", "c620", "c650": self = .zteC600
        default: return nil
        }
    }

    /// Huawei MA5600T or MA5800.
    public var isHuawei: Bool { self == .huaweiMA5600T || self == .huaweiMA5800 }

    /// Every accepted spelling, for error messages.
    public static let acceptedNames = allCases.map(\.rawValue).joined(separator: ", ")

    /// The longest test ONU name this dialect accepts. Huawei stores it as the ONT description
    /// (`desc`), ZTE as the ONU `name`; the limits are the conservative ones both platforms take.
    public var maxONUNameLength: Int {
        switch self {
        case .huaweiMA5600T, .huaweiMA5800: 64
        case .zteC300, .zteC600: 32
        }
    }

    /// The longest ONU password (LOID password) this dialect accepts: Huawei's `password-auth`
    /// takes 10 characters, ZTE's `pw` 24.
    public var maxONUPasswordLength: Int {
        switch self {
        case .huaweiMA5600T, .huaweiMA5800: 10
        case .zteC300, .zteC600: 24
        }
    }

    /// Whether `c` may appear in a test ONU name on this dialect. Both vendors take letters,
    /// digits, `-`, `_` and `.`; nothing that a CLI could read as a separator, quote or control.
    public func allowsInONUName(_ c: Character) -> Bool {
        guard c.isASCII else { return false }
        return c.isLetter || c.isNumber || c == "-" || c == "_" || c == "."
    }
}

/// A GPON port address on an OLT: frame/slot/port (`0/1/3`).
public struct PONAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var frame: Int
    public var slot: Int
    public var port: Int

    public init(frame: Int, slot: Int, port: Int) {
        self.frame = frame
        self.slot = slot
        self.port = port
    }

    /// Parses `F/S/P` (also `F-S-P`). Each part 0…255.
    public init?(_ text: String) {
        let parts = text.trimmingWhitespace().split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "-" })
        guard parts.count == 3 else { return nil }
        let numbers = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        guard numbers.count == 3, numbers.allSatisfy({ (0...255).contains($0) }) else { return nil }
        self.init(frame: numbers[0], slot: numbers[1], port: numbers[2])
    }

    public static func < (a: PONAddress, b: PONAddress) -> Bool {
        (a.frame, a.slot, a.port) < (b.frame, b.slot, b.port)
    }

    /// `0/1/3`
    public var description: String { "\(frame)/\(slot)/\(port)" }
}

/// A VLAN id, 1…4094.
public struct VLANID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var value: Int

    /// The valid VLAN ids (0 and 4095 are reserved by 802.1Q).
    public static let validRange = 1...4094

    /// Returns nil outside 1…4094.
    public init?(_ value: Int) {
        guard Self.validRange.contains(value) else { return nil }
        self.value = value
    }

    public static func < (a: VLANID, b: VLANID) -> Bool { a.value < b.value }
    public var description: String { String(value) }
}

/// A splitter's split ratio 1:N, N a power of two from 2 to 128.
public struct SplitRatio: Sendable, Hashable, Codable, CustomStringConvertible {
    public var outputs: Int

    /// Returns nil for anything but 2, 4, …, 128.
    public init?(outputs: Int) {
        guard (2...128).contains(outputs), outputs & (outputs - 1) == 0 else { return nil }
        self.outputs = outputs
    }

    /// Parses `1:8`, `1x8`, `1/8` or `8`.
    public init?(_ text: String) {
        let t = text.trimmingWhitespace().lowercased()
        let n: Substring
        if let sep = t.firstIndex(where: { $0 == ":" || $0 == "x" || $0 == "/" }) {
            guard t[..<sep] == "1" else { return nil }
            n = t[t.index(after: sep)...]
        } else {
            n = Substring(t)
        }
        guard let outputs = Int(n) else { return nil }
        self.init(outputs: outputs)
    }

    /// Typical insertion loss of a PLC splitter of this ratio (DESIGN §3 reference figures).
    public var typicalLoss: Decibels {
        switch outputs {
        case 2: Decibels(3.7)
        case 4: Decibels(7.3)
        case 8: Decibels(10.5)
        case 16: Decibels(14)
        case 32: Decibels(17)
        case 64: Decibels(20.5)
        default: Decibels(24)
        }
    }

    /// `1:8`
    public var description: String { "1:\(outputs)" }
}

/// An IPv4 or IPv6 management address, kept in its canonical text form (dotted quad without
/// leading zeros; RFC 5952 for IPv6), so that one OLT never appears under two spellings.
public struct ManagementAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var text: String

    /// Accepts a dotted-quad IPv4 address or an IPv6 address; nil for anything else.
    public init?(_ raw: String) {
        let t = raw.trimmingWhitespace()
        guard !t.isEmpty, t.count <= 45, t.allSatisfy(\.isASCII) else { return nil }
        if t.contains(":") {
            guard let canonical = Self.canonical(t, family: AF_INET6, size: 16) else { return nil }
            text = canonical
        } else {
            // inet_pton takes only the strict dotted quad (no octal, no shorthand); leading zeros
            // are a common spreadsheet artefact, so strip them first.
            let parts = t.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4,
                parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } })
            else { return nil }
            guard
                let canonical = Self.canonical(
                    parts.map { String(Int($0)!) }.joined(separator: "."), family: AF_INET, size: 4)
            else { return nil }
            text = canonical
        }
    }

    static func canonical(_ text: String, family: Int32, size: Int) -> String? {
        var bytes = [UInt8](repeating: 0, count: size)
        guard inet_pton(family, text, &bytes) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        guard inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address as hex digits: 8 for IPv4, 32 for IPv6. Used in compact test ONU names.
    public var hex: String {
        let isV6 = text.contains(":")
        var bytes = [UInt8](repeating: 0, count: isV6 ? 16 : 4)
        _ = inet_pton(isV6 ? AF_INET6 : AF_INET, text, &bytes)
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined()
    }

    public static func < (a: ManagementAddress, b: ManagementAddress) -> Bool { a.text < b.text }
    public var description: String { text }
}
