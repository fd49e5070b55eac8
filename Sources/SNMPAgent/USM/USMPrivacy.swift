import Crypto
import Foundation
import _CryptoExtras

/// The USM privacy protocol usmAesCfb128Protocol (RFC 3826): AES-128 in CFB-128 mode, the IV made
/// of the authoritative engine's boots and time and a 64-bit salt sent as msgPrivacyParameters.
enum USMPrivacy {
    /// Length of the salt (msgPrivacyParameters).
    static let saltLength = 8

    /// The AES-128 key: the first 16 bytes of the privacy key localized with the user's
    /// authentication hash (RFC 3826 §3.1.2.1).
    static func aesKey(localizedPrivacyKey: [UInt8]) -> [UInt8] {
        precondition(localizedPrivacyKey.count >= 16, "an AES-128 key needs 16 bytes")
        return Array(localizedPrivacyKey.prefix(16))
    }

    static func iv(engineBoots: Int32, engineTime: Int32, salt: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: engineBoots.bigEndian, Array.init) + withUnsafeBytes(of: engineTime.bigEndian, Array.init)
            + salt
    }

    /// The salt bytes for a 64-bit counter value.
    static func salt(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    static func encrypt(_ plaintext: [UInt8], key: [UInt8], engineBoots: Int32, engineTime: Int32, salt: [UInt8])
        throws -> [UInt8]
    {
        let iv = try AES._CFB.IV(ivBytes: iv(engineBoots: engineBoots, engineTime: engineTime, salt: salt))
        return Array(try AES._CFB.encrypt(plaintext, using: SymmetricKey(data: key), iv: iv))
    }

    /// Decrypts; nil when the salt is not 8 bytes or the cipher fails.
    static func decrypt(_ ciphertext: [UInt8], key: [UInt8], engineBoots: Int32, engineTime: Int32, salt: [UInt8])
        -> [UInt8]?
    {
        guard salt.count == saltLength,
            let iv = try? AES._CFB.IV(ivBytes: iv(engineBoots: engineBoots, engineTime: engineTime, salt: salt)),
            let plaintext = try? AES._CFB.decrypt(ciphertext, using: SymmetricKey(data: key), iv: iv)
        else { return nil }
        return Array(plaintext)
    }
}
