import Crypto
import FTTHCore
import Foundation

/// The key that encrypts the secrets the store keeps (the PPPoE test accounts' passwords) with
/// AES-GCM, so a copied store file or a backup does not give them away. A key is 32 random bytes,
/// kept in a file as 64 hex digits or as base64 (`head -c 32 /dev/urandom | base64`).
///
/// Where it comes from, first found first (``resolve(keyFile:environment:storePath:)``):
/// 1. systemd's credential `ftth-store-key` (`LoadCredential=ftth-store-key:/etc/ftth-acceptd/store.key`,
///    read from `$CREDENTIALS_DIRECTORY`);
/// 2. the file `[store] key_file` of the configuration names;
/// 3. a file beside the store (`<store>.key`, mode 0600), made with a new random key the first
///    time: this still keeps the passwords out of the store file itself and its backups.
public struct StoreKey: Sendable {
    // The bytes, not a SymmetricKey: that type is not Sendable, and the store is shared by tasks.
    package let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// The name of the systemd credential holding the key.
    public static let credentialName = "ftth-store-key"

    /// How a sealed value starts: the scheme and its version, so a later scheme can be told apart.
    static let sealedPrefix = "aes-gcm.v1:"

    /// A key of exactly 32 bytes; anything else is a programming error.
    public init(bytes: some ContiguousBytes) {
        let bytes = bytes.withUnsafeBytes { Array($0) }
        precondition(bytes.count == 32, "a store key is 32 bytes")
        self.bytes = bytes
    }

    /// A new random key.
    public static func random() -> StoreKey {
        StoreKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The key in a file (64 hex digits or base64 of 32 bytes, surrounding whitespace ignored).
    /// Throws ``StoreError/database(operation:message:)`` naming the file and how to make a good one.
    public init(contentsOfFile path: String) throws {
        let operation = "reading the store key \(path)"
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw StoreError.database(
                operation: operation,
                message:
                    "\(error.localizedDescription); make one with 'head -c 32 /dev/urandom | base64 > \(path); chmod 600 \(path)'"
            )
        }
        if text.count == 64, let bytes = Self.hexBytes(text) {
            self.init(bytes: bytes)
        } else if let bytes = Data(base64Encoded: text), bytes.count == 32 {
            self.init(bytes: bytes)
        } else {
            throw StoreError.database(
                operation: operation,
                message:
                    "the file does not hold a 32-byte key as 64 hex digits or base64; make one with 'head -c 32 /dev/urandom | base64 > \(path)'"
            )
        }
    }

    /// The key to use: systemd's credential, else `keyFile` (configuration `[store] key_file`),
    /// else `<storePath>.key`, created with a random key (mode 0600) when missing.
    public static func resolve(keyFile: String?, environment: [String: String], storePath: String) throws -> StoreKey {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let credential = (directory as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: credential) { return try StoreKey(contentsOfFile: credential) }
        }
        if let keyFile { return try StoreKey(contentsOfFile: keyFile) }
        return try besideStore(storePath)
    }

    /// The key of a store several daemons share (PostgreSQL): systemd's credential, else
    /// `keyFile`; never a key made on the spot, which the other daemons would not have.
    public static func resolveShared(keyFile: String?, environment: [String: String]) throws -> StoreKey {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let credential = (directory as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: credential) { return try StoreKey(contentsOfFile: credential) }
        }
        guard let keyFile else {
            throw StoreError.database(
                operation: "finding the store key",
                message:
                    "a PostgreSQL store needs the key every daemon on it shares: set [store] key_file (or systemd's credential \(credentialName)) to a file holding 32 random bytes in base64, the same file on every daemon"
            )
        }
        return try StoreKey(contentsOfFile: keyFile)
    }

    /// `<storePath>.key`, made (0600, with a random key) when it does not exist yet.
    package static func besideStore(_ storePath: String) throws -> StoreKey {
        let path = storePath + ".key"
        if FileManager.default.fileExists(atPath: path) { return try StoreKey(contentsOfFile: path) }
        try StoreFiles.prepareDirectory(of: path)
        let key = random()
        let text = Data(key.bytes).base64EncodedString() + "\n"
        // O_EXCL: two processes opening a new store at once keep the one key written first.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try StoreKey(contentsOfFile: path) }
            throw StoreError.database(
                operation: "creating the store key \(path)",
                message: "\(String(cString: strerror(errno))); check that the store's directory is writable")
        }
        defer { close(descriptor) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        guard written == text.utf8.count else {
            throw StoreError.database(
                operation: "writing the store key \(path)", message: String(cString: strerror(errno)))
        }
        return key
    }

    /// `secret` sealed with AES-GCM, bound to `context` (such as the account's username, so a
    /// sealed value moved to another row does not open): `aes-gcm.v1:` and base64 of nonce,
    /// ciphertext and tag.
    package func seal(_ secret: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { preconditionFailure("AES.GCM with its default nonce is combinable") }
        return Self.sealedPrefix + combined.base64EncodedString()
    }

    /// The secret `sealed` holds; nil when it was not sealed with this key for `context`.
    package func unseal(_ sealed: String, context: String) -> String? {
        guard sealed.hasPrefix(Self.sealedPrefix),
            let data = Data(base64Encoded: String(sealed.dropFirst(Self.sealedPrefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    package static func isSealed(_ value: String) -> Bool { value.hasPrefix(sealedPrefix) }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = hexValue(high), let l = hexValue(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
