import CLibSSH

/// A public host key as an OLT presents it over SSH: its OpenSSH line and `SHA256:` fingerprint.
public struct SSHHostKey: Sendable, Hashable, CustomStringConvertible {
    /// `ssh-rsa`, `ssh-ed25519`, `ecdsa-sha2-nistp256`…
    public var type: String
    /// The key blob, base64, as in an OpenSSH public key line.
    public var base64: String
    /// `SHA256:…`, as `ssh-keygen -lf` prints it (no base64 padding).
    public var fingerprint: String

    /// `TYPE BASE64`: what `host_key` pins.
    public var line: String { "\(type) \(base64)" }

    public var description: String { "\(line) (\(fingerprint))" }

    /// Reads a libssh public key; nil when libssh cannot export it.
    init?(_ key: ssh_key) {
        guard let typeName = ssh_key_type_to_char(ssh_key_type(key)),
            let blob = ftth_ssh_public_key_base64(key)
        else { return nil }
        defer { ssh_string_free_char(blob) }
        guard let hash = ftth_ssh_sha256_fingerprint(key) else { return nil }
        defer { ssh_string_free_char(hash) }
        type = String(cString: typeName)
        base64 = String(cString: blob)
        fingerprint = Self.unpadded(String(cString: hash))
    }

    /// A pinned key line (`TYPE AAAA… [comment]`) as a key, nil when it is not one libssh can read.
    public init?(line: String) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return nil }
        var key: ssh_key?
        let type = ssh_key_type_from_name(String(parts[0]))
        guard type != SSH_KEYTYPE_UNKNOWN, ssh_pki_import_pubkey_base64(String(parts[1]), type, &key) == SSH_OK,
            let key
        else { return nil }
        defer { ssh_key_free(key) }
        self.init(key)
    }

    /// Whether this key is the one `pin` names: a key line, or a `SHA256:` fingerprint.
    public func matches(pin: String) -> Bool {
        let pin = pin.trimmingWhitespace
        if pin.hasPrefix("SHA256:") { return Self.unpadded(pin) == fingerprint }
        let parts = pin.split(separator: " ", omittingEmptySubsequences: true)
        return parts.count >= 2 && parts[0] == type && parts[1] == base64
    }

    /// The fingerprint a pin stands for, for messages: nil when the pin is not a key line or fingerprint.
    public static func fingerprint(ofPin pin: String) -> String? {
        let pin = pin.trimmingWhitespace
        if pin.hasPrefix("SHA256:") { return unpadded(pin) }
        return SSHHostKey(line: pin)?.fingerprint
    }

    static func unpadded(_ fingerprint: String) -> String {
        var s = Substring(fingerprint)
        while s.last == "=" { s = s.dropLast() }
        return String(s)
    }
}
