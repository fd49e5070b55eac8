import CLIModel
import FTTHConfig

/// The SSH algorithms a simulated OLT's server offers (`[olt.cli] ssh_algorithms`), named as
/// OpenSSH's `ssh -Q` names them: today's secure lists, or only what old OLT firmware offers.
public enum SimSSHAlgorithmSet: String, Sendable, Hashable, CaseIterable {
    /// The secure lists the product's client offers by default (``SSHAlgorithms/secureDefaults``),
    /// with the host key types olt-sim has (Ed25519, RSA with SHA-2 signatures).
    case modern
    /// Only an old OLT's: host key `ssh-rsa`; key exchange diffie-hellman-group14-sha1,
    /// diffie-hellman-group-exchange-sha1 and diffie-hellman-group1-sha1; aes128-ctr, aes256-ctr
    /// and aes128-cbc; hmac-sha1. A client connects only with the legacy opt-in.
    case legacy

    /// What the server offers for `kind`, most preferred first.
    public func offered(_ kind: SSHAlgorithms.Kind) -> [String] {
        switch (self, kind) {
        case (.modern, .hostKey): ["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"]
        case (.modern, _): SSHAlgorithms.secureDefaults[kind, default: []]
        case (.legacy, .hostKey): ["ssh-rsa"]
        case (.legacy, .keyExchange):
            ["diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group1-sha1"]
        case (.legacy, .cipher): ["aes128-ctr", "aes256-ctr", "aes128-cbc"]
        case (.legacy, .mac): ["hmac-sha1"]
        }
    }

    /// The host key type a client that accepts this set's first host key algorithm is shown.
    public var presentedKeyType: String { self == .modern ? "ssh-ed25519" : "ssh-rsa" }
}

/// A login method olt-sim's SSH server offers (`[olt.cli] ssh_auth`), named as in SSH.
public enum SimSSHAuthMethod: String, Sendable, Hashable, CaseIterable {
    case password
    case keyboardInteractive = "keyboard-interactive"
}

extension SimConfiguration {
    static func sshAlgorithmSet(_ c: TOMLReader) throws -> SimSSHAlgorithmSet {
        let name = try c.string("ssh_algorithms", default: SimSSHAlgorithmSet.modern.rawValue)
        guard let set = SimSSHAlgorithmSet(rawValue: name) else {
            throw c.error("ssh_algorithms", "must be \"modern\" or \"legacy\" (only what old OLT firmware offers)")
        }
        return set
    }

    static func sshAuthMethods(_ c: TOMLReader) throws -> [SimSSHAuthMethod] {
        let names = try c.strings("ssh_auth", default: ["password", "keyboard-interactive"])
        let methods = try names.map { name in
            guard let method = SimSSHAuthMethod(rawValue: name) else {
                throw c.error(
                    "ssh_auth", "\"\(name)\" is not a login method olt-sim offers: use password, keyboard-interactive")
            }
            return method
        }
        guard !methods.isEmpty else { throw c.error("ssh_auth", "must name at least one login method") }
        return methods
    }
}
