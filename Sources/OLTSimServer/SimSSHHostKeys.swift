import CLibSSH
import Foundation
import Synchronization

/// An OLT's SSH host keys, Ed25519 and RSA, as OpenSSH private key text (each server imports its
/// own copy: a libssh bind owns the keys it is given).
struct SimSSHHostKeys: Sendable {
    var ed25519: String
    var rsa: String

    /// Keys made once per process for OLTs without a key directory: an RSA key takes long enough
    /// to make that every simulator started by a test suite must not wait for its own.
    static let generated = Mutex<SimSSHHostKeys?>(nil)

    /// The keys in `directory` (`ssh_host_ed25519_key`, `ssh_host_rsa_key`), made and written
    /// there when missing; the process's generated keys without a directory. Throws
    /// ``SimulatorError`` naming the file that could not be read or written.
    static func load(directory: String?) throws -> SimSSHHostKeys {
        guard let directory else {
            return try generated.withLock { cached in
                if let cached { return cached }
                let keys = SimSSHHostKeys(
                    ed25519: try text(of: try generate(SSH_KEYTYPE_ED25519, bits: 0)),
                    rsa: try text(of: try generate(SSH_KEYTYPE_RSA, bits: 2048)))
                cached = keys
                return keys
            }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return SimSSHHostKeys(
            ed25519: try file(directory + "/ssh_host_ed25519_key", type: SSH_KEYTYPE_ED25519, bits: 0),
            rsa: try file(directory + "/ssh_host_rsa_key", type: SSH_KEYTYPE_RSA, bits: 2048))
    }

    private static func file(_ path: String, type: ssh_keytypes_e, bits: Int32) throws -> String {
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // Reading it back proves the file holds a key libssh can use.
            ssh_key_free(try key(from: text, origin: path))
            return text
        }
        let text = try text(of: try generate(type, bits: bits))
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw SimulatorError("cannot write the SSH host key file \(path): check the directory's permissions")
        }
        return text
    }

    private static func generate(_ type: ssh_keytypes_e, bits: Int32) throws -> ssh_key {
        var key: ssh_key?
        guard ssh_pki_generate(type, bits, &key) == SSH_OK, let key else {
            throw SimulatorError(
                "libssh could not make an SSH host key (\(String(cString: ssh_key_type_to_char(type))))")
        }
        return key
    }

    /// Exports `key` as private key text and frees it.
    private static func text(of key: ssh_key) throws -> String {
        defer { ssh_key_free(key) }
        var b64: UnsafeMutablePointer<CChar>?
        guard ssh_pki_export_privkey_base64(key, nil, nil, nil, &b64) == SSH_OK, let b64 else {
            throw SimulatorError("libssh could not export an SSH host key")
        }
        defer { ssh_string_free_char(b64) }
        return String(cString: b64)
    }

    /// A new libssh key from private key text; the caller owns it.
    static func key(from text: String, origin: String = "olt-sim's host key") throws -> ssh_key {
        var key: ssh_key?
        guard ssh_pki_import_privkey_base64(text, nil, nil, nil, &key) == SSH_OK, let key else {
            throw SimulatorError("\(origin) is not a private key libssh can read (OpenSSH or PEM form, no pass phrase)")
        }
        return key
    }

    /// The OpenSSH public key line (`ssh-ed25519 AAAA…`) of private key text.
    static func publicLine(of text: String) throws -> String {
        let key = try key(from: text)
        defer { ssh_key_free(key) }
        guard let blob = ftth_ssh_public_key_base64(key) else {
            throw SimulatorError("libssh could not export the public half of olt-sim's host key")
        }
        defer { ssh_string_free_char(blob) }
        return String(cString: ssh_key_type_to_char(ssh_key_type(key))) + " " + String(cString: blob)
    }
}
