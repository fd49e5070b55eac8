/// Where and how to reach an OLT's command line.
public struct CLITarget: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable, Codable {
        case telnet
        case ssh
    }

    public var host: String
    public var port: Int
    public var transport: Transport
    public var username: String
    /// Never printed: `description` leaves it out.
    public var password: String
    /// SSH: the OLT's host key, as an OpenSSH public key line (`ssh-ed25519 AAAA…`, `ssh-rsa AAAA…`,
    /// `ecdsa-sha2-nistp256 AAAA…`) or its `SHA256:` fingerprint. A key that differs, or none
    /// pinned, is refused.
    public var hostKey: String?
    /// SSH: the algorithms offered, the secure defaults unless this OLT opted in to legacy ones.
    public var sshAlgorithms: SSHAlgorithms
    /// SSH: a private key file to log in with before trying the password (OpenSSH format).
    public var privateKeyFile: String?
    /// How long login may take.
    public var loginTimeout: Duration
    /// How long one command may take before the session is given up.
    public var commandTimeout: Duration
    /// At most this many sessions to this OLT at once (OLTs allow few VTY sessions).
    public var maxSessions: Int

    public init(
        host: String, port: Int? = nil, transport: Transport, username: String, password: String,
        hostKey: String? = nil, loginTimeout: Duration = .seconds(20), commandTimeout: Duration = .seconds(30),
        maxSessions: Int = 2, sshAlgorithms: SSHAlgorithms = .secure, privateKeyFile: String? = nil
    ) {
        precondition(maxSessions >= 1, "maxSessions must be at least 1")
        self.host = host
        self.port = port ?? (transport == .ssh ? 22 : 23)
        self.transport = transport
        self.username = username
        self.password = password
        self.hostKey = hostKey
        self.loginTimeout = loginTimeout
        self.commandTimeout = commandTimeout
        self.maxSessions = maxSessions
        self.sshAlgorithms = sshAlgorithms
        self.privateKeyFile = privateKeyFile
    }

    /// `telnet 10.0.0.1:23`: no user, no password.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(transport.rawValue) \(h):\(port)"
    }
}
