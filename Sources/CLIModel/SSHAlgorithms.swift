/// The SSH algorithms a client offers an OLT, named as OpenSSH's `ssh -Q` names them: a secure
/// default list, plus the legacy algorithms (SHA-1, CBC and CTR without encrypt-then-MAC, the
/// 1024-bit group) one OLT's configuration opted in to because its firmware offers nothing better.
public struct SSHAlgorithms: Sendable, Hashable {
    /// The four negotiated lists of an SSH handshake.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case hostKey = "host key"
        case keyExchange = "key exchange"
        case cipher = "cipher"
        case mac = "MAC"
    }

    /// Offered to every OLT, in order of preference.
    public static let secureDefaults: [Kind: [String]] = [
        .hostKey: [
            "ssh-ed25519", "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256", "rsa-sha2-512",
            "rsa-sha2-256",
        ],
        .keyExchange: [
            "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp521", "ecdh-sha2-nistp384",
            "ecdh-sha2-nistp256", "diffie-hellman-group18-sha512", "diffie-hellman-group16-sha512",
            "diffie-hellman-group-exchange-sha256", "diffie-hellman-group14-sha256",
        ],
        .cipher: ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com"],
        .mac: ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512"],
    ]

    /// Offered only to an OLT whose configuration names them, after the secure ones.
    public static let legacy: [Kind: [String]] = [
        .hostKey: ["ssh-rsa"],
        .keyExchange: [
            "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group1-sha1",
        ],
        .cipher: ["aes256-ctr", "aes192-ctr", "aes128-ctr", "aes256-cbc", "aes192-cbc", "aes128-cbc", "3des-cbc"],
        .mac: ["hmac-sha1-etm@openssh.com", "hmac-sha1"],
    ]

    /// The legacy algorithms this OLT may use, as configured (each in ``legacy``).
    public let legacyOptIn: [String]

    /// Only the secure defaults.
    public static let secure = SSHAlgorithms(checked: [])

    private init(checked: [String]) { legacyOptIn = checked }

    /// The secure defaults plus `legacy`. Throws ``UnknownAlgorithm`` for a name that is not one
    /// of ``legacy`` (a secure algorithm is offered anyway and needs no opt-in).
    public init(legacy names: [String]) throws(UnknownAlgorithm) {
        for name in names where Self.kind(ofLegacy: name) == nil {
            throw UnknownAlgorithm(name: name)
        }
        var seen: Set<String> = []
        self.init(checked: names.filter { seen.insert($0).inserted })
    }

    /// What this client offers for `kind`, most preferred first: OpenSSH's comma-separated form.
    public func offered(_ kind: Kind) -> [String] {
        let legacy = Self.legacy[kind, default: []].filter { legacyOptIn.contains($0) }
        return Self.secureDefaults[kind, default: []] + legacy
    }

    /// The kind of a legacy algorithm, nil when `name` is not one.
    public static func kind(ofLegacy name: String) -> Kind? {
        Kind.allCases.first { legacy[$0, default: []].contains(name) }
    }

    /// A name in an OLT's legacy list that no client knows: refused when the configuration loads.
    public struct UnknownAlgorithm: Error, Sendable, Hashable, CustomStringConvertible {
        public let name: String

        public init(name: String) { self.name = name }

        public var description: String {
            let all = Kind.allCases.flatMap { legacy[$0, default: []] }
            let secure = Kind.allCases.contains { secureDefaults[$0, default: []].contains(name) }
            return secure
                ? "\"\(name)\" is a secure algorithm, always offered: remove it from the legacy list"
                : "\"\(name)\" is not a legacy SSH algorithm this client can opt in to; use the names `ssh -Q` "
                    + "prints: \(all.joined(separator: ", "))"
        }
    }
}
