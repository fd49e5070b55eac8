import SNMPModel
import Testing

@testable import SNMPAgent

/// Key derivation against RFC 3414 Appendix A.3 (MD5, SHA-1) and an independent SHA-256
/// computation (Python's hashlib, same password and engine ID), and the AES-CFB privacy.
@Suite("USM cryptography")
struct USMCryptoTests {
    static let engineID: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static let vectors: [(SNMPv3Security.AuthProtocol, String, String)] = [
        (.md5, "9faf3283884e92834ebc9847d8edd963", "526f5eed9fcce26f8964c2930787d82b"),
        (.sha, "9fb5cc0381497b3793528939ff788d5d79145211", "6695febc9288e36282235fc7151f128497b38f3f"),
        (
            .sha256, "ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac",
            "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b"
        ),
    ]

    @Test("password-to-key and localization match the reference values", arguments: vectors)
    func passwordToKey(_ authProtocol: SNMPv3Security.AuthProtocol, key: String, localized: String) {
        let auth = USMAuthentication(authProtocol)
        let ku = auth.passwordToKey(Array("maplesyrup".utf8))
        #expect(ku == Self.hex(key))
        #expect(auth.localize(ku, engineID: Self.engineID) == Self.hex(localized))
    }

    @Test("digests are truncated to 96 or 192 bits and verified in place")
    func digests() {
        for (authProtocol, length) in [(SNMPv3Security.AuthProtocol.md5, 12), (.sha, 12), (.sha256, 24)] {
            let auth = USMAuthentication(authProtocol)
            #expect(auth.macLength == length)
            let key = auth.localizedKey(password: Array("authpassword".utf8), engineID: Self.engineID)
            var message: [UInt8] = Array("0123456789".utf8) + [UInt8](repeating: 0, count: length) + [1, 2, 3]
            let range = 10..<(10 + length)
            let mac = auth.mac(message, key: key)
            #expect(mac.count == length)
            message.replaceSubrange(range, with: mac)
            #expect(auth.verify(message: message, authRange: range, key: key))
            message[0] ^= 1
            #expect(!auth.verify(message: message, authRange: range, key: key))
            #expect(!auth.verify(message: message, authRange: 10..<12, key: key))
        }
    }

    @Test("AES-CFB adds no padding, needs the same IV parts to decrypt, and rejects a short salt")
    func aesCFB() throws {
        let key = USMPrivacy.aesKey(
            localizedPrivacyKey: USMAuthentication.sha1.localizedKey(
                password: Array("privpassword".utf8), engineID: Self.engineID))
        #expect(key.count == 16)
        let salt = USMPrivacy.salt(42)
        #expect(
            USMPrivacy.iv(engineBoots: 1, engineTime: 2, salt: salt) == [
                0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 42,
            ])
        for length in [0, 1, 15, 16, 17, 100] {
            let plaintext = (0..<length).map { UInt8($0) }
            let ciphertext = try USMPrivacy.encrypt(plaintext, key: key, engineBoots: 1, engineTime: 2, salt: salt)
            #expect(ciphertext.count == length)
            #expect(USMPrivacy.decrypt(ciphertext, key: key, engineBoots: 1, engineTime: 2, salt: salt) == plaintext)
            if length > 0 {
                #expect(
                    USMPrivacy.decrypt(ciphertext, key: key, engineBoots: 1, engineTime: 3, salt: salt) != plaintext)
            }
        }
        #expect(USMPrivacy.decrypt([1, 2, 3], key: key, engineBoots: 1, engineTime: 2, salt: [1, 2, 3]) == nil)
    }
}
