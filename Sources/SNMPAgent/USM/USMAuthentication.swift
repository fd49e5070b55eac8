import Crypto
import SNMPModel

/// The USM authentication protocols: HMAC-MD5-96 and HMAC-SHA-96 (RFC 3414), and
/// HMAC-SHA-256-192 (RFC 7860, usmHMAC192SHA256AuthProtocol).
enum USMAuthentication: Sendable, Hashable {
    case md5
    case sha1
    case sha256

    init(_ authProtocol: SNMPv3Security.AuthProtocol) {
        switch authProtocol {
        case .md5: self = .md5
        case .sha: self = .sha1
        case .sha256: self = .sha256
        }
    }

    /// Length of msgAuthenticationParameters: the truncated HMAC.
    var macLength: Int {
        switch self {
        case .md5, .sha1: 12
        case .sha256: 24
        }
    }

    /// Password-to-key (RFC 3414 A.2): the hash of the password repeated over one megabyte.
    func passwordToKey(_ password: [UInt8]) -> [UInt8] {
        precondition(!password.isEmpty, "USM password must not be empty")
        switch self {
        case .md5: return Self.expandedDigest(Insecure.MD5.self, password)
        case .sha1: return Self.expandedDigest(Insecure.SHA1.self, password)
        case .sha256: return Self.expandedDigest(SHA256.self, password)
        }
    }

    /// The megabyte is periodic in the password, so one block of whole periods is hashed over
    /// and over instead of building the megabyte.
    private static func expandedDigest<H: HashFunction>(_: H.Type, _ password: [UInt8]) -> [UInt8] {
        var block: [UInt8] = []
        for _ in 0..<max(1, 16_384 / password.count) { block += password }
        var hasher = H()
        var remaining = 1_048_576
        while remaining >= block.count {
            hasher.update(data: block)
            remaining -= block.count
        }
        hasher.update(data: block[..<remaining])
        return Array(hasher.finalize())
    }

    /// Key localization (RFC 3414 §2.6): H(Ku ‖ engineID ‖ Ku).
    func localize(_ key: [UInt8], engineID: [UInt8]) -> [UInt8] {
        digest(key + engineID + key)
    }

    /// The localized key for `password` at `engineID`.
    func localizedKey(password: [UInt8], engineID: [UInt8]) -> [UInt8] {
        localize(passwordToKey(password), engineID: engineID)
    }

    /// The truncated HMAC of `message` under a localized key.
    func mac(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        switch self {
        case .md5: return Array(HMAC<Insecure.MD5>.authenticationCode(for: message, using: symmetric).prefix(macLength))
        case .sha1:
            return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetric).prefix(macLength))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetric).prefix(macLength))
        }
    }

    private func digest(_ data: [UInt8]) -> [UInt8] {
        switch self {
        case .md5: Array(Insecure.MD5.hash(data: data))
        case .sha1: Array(Insecure.SHA1.hash(data: data))
        case .sha256: Array(SHA256.hash(data: data))
        }
    }

    /// Whether `received` is the digest of `message` (whose authentication parameters at
    /// `authRange` are replaced by zeros for the computation). Compares in constant time.
    func verify(message: [UInt8], authRange: Range<Int>, key: [UInt8]) -> Bool {
        guard authRange.count == macLength else { return false }
        let received = message[authRange]
        var zeroed = message
        zeroed.replaceSubrange(authRange, with: repeatElement(0, count: authRange.count))
        let expected = mac(zeroed, key: key)
        var difference: UInt8 = 0
        for (a, b) in zip(expected, received) { difference |= a ^ b }
        return difference == 0
    }
}
