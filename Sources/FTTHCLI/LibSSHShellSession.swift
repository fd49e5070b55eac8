import CLIModel
import CLibSSH
import Dispatch
import Logging
import Synchronization

/// A logged-in command-line session on an OLT over SSH, on libssh: the algorithms real OLTs offer
/// (``SSHAlgorithms``, legacy ones only where the OLT's configuration opted in), the host key
/// pinned as a key line or `SHA256:` fingerprint, login by key, password or keyboard-interactive,
/// then a pty shell driven by ``CLISessionEngine``.
///
/// libssh blocks: every call on a session's handles runs on the session's own serial dispatch
/// queue, never on Swift's cooperative pool, and commands run one at a time in the order called.
/// A command that times out or loses the connection closes the session.
public final class LibSSHShellSession: CLISession, @unchecked Sendable {
    // @unchecked Sendable: `connection` (libssh handles and the engine) is only touched on `queue`,
    // a serial queue owned by this session; the other stored properties are immutable.

    /// `ssh 10.0.0.1:22`, for messages.
    public let target: String
    /// The prompt the OLT showed once login finished.
    public let loginPrompt: String
    /// The host key the OLT presented (and that matched the pin).
    public let hostKey: SSHHostKey
    /// The algorithms negotiated: key exchange, ciphers and MACs each way.
    public let negotiated: [String: String]
    private let queue: DispatchQueue
    private let connection: LibSSHConnection

    private init(target: String, loginPrompt: String, queue: DispatchQueue, connection: LibSSHConnection) {
        self.target = target
        self.loginPrompt = loginPrompt
        self.hostKey = connection.hostKey!
        self.negotiated = connection.negotiated
        self.queue = queue
        self.connection = connection
    }

    /// Connects to `target`, checks its host key against the pin and logs in, all within
    /// `target.loginTimeout`. Throws ``CLIError`` with `.connectFailed` (no TCP connection),
    /// `.hostKeyRejected` (no pin, or another key), `.protocolError` (no algorithm in common),
    /// `.authenticationFailed`, `.timeout` or `.disconnected`. A legacy algorithm negotiated is
    /// logged once per OLT and algorithm, as a warning, on `logger`.
    public static func connect(
        _ target: CLITarget, style: CLITerminalStyle, logger: Logger = Logger(label: "ftth.cli.ssh")
    ) async throws -> LibSSHShellSession {
        let queue = DispatchQueue(label: "ftth.cli.libssh \(target.description)")
        let connection = LibSSHConnection(target: target, style: style)
        let prompt = try await perform(on: queue) { () throws(CLIError) -> String in
            try connection.open(logger: logger)
        }
        return LibSSHShellSession(
            target: target.description, loginPrompt: prompt, queue: queue, connection: connection)
    }

    /// The host key `host:port` presents, without logging in: for an engineer to check and pin.
    /// Throws ``CLIError`` `.connectFailed`, `.protocolError` or `.timeout`.
    public static func presentedHostKey(
        host: String, port: Int, algorithms: SSHAlgorithms = .secure, timeout: Duration = .seconds(20)
    ) async throws -> SSHHostKey {
        let target = CLITarget(
            host: host, port: port, transport: .ssh, username: "", password: "", loginTimeout: timeout,
            sshAlgorithms: algorithms)
        let queue = DispatchQueue(label: "ftth.cli.libssh.hostkey \(target.description)")
        let connection = LibSSHConnection(target: target, style: .huawei)
        return try await perform(on: queue) { () throws(CLIError) -> SSHHostKey in
            defer { connection.close() }
            return try connection.handshake()
        }
    }

    /// Sends `line` and returns its output once the prompt shows again. Throws `.invalidLine`
    /// before sending anything when the line holds a control character; `.timeout` or
    /// `.disconnected`, with the partial output as device text, after which the session is closed.
    public func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
        guard Self.isSendable(line) else {
            throw CLIError(
                .invalidLine, target: target,
                message: "refused to send a line with a control character or over 512 characters; nothing was sent")
        }
        let connection = connection
        return try await Self.perform(on: queue) { () throws(CLIError) -> CLIOutput in
            try connection.run(line, timeout: timeout)
        }
    }

    /// Closes the connection without logging out: an OLT ends the VTY session with it. Never throws.
    public func close() async {
        let connection = connection
        _ = try? await Self.perform(on: queue) { () throws(CLIError) in connection.close() }
    }

    deinit {
        let connection = connection
        queue.async { connection.close() }
    }

    private static func perform<T: Sendable>(
        on queue: DispatchQueue, _ body: @escaping @Sendable () throws(CLIError) -> T
    ) async throws(CLIError) -> T {
        let result: Result<T, CLIError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(CLIError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// The warnings already given for a legacy algorithm: once per OLT and algorithm per process, so a
/// pool that reconnects all day does not repeat them.
let legacyAlgorithmWarnings = Mutex<Set<String>>([])

/// One libssh session and its shell channel. Not thread-safe: used only on its session's queue.
final class LibSSHConnection: @unchecked Sendable {
    // @unchecked Sendable: handed to the owning session's serial queue and used only there.
    let target: CLITarget
    let name: String
    private var engine: CLISessionEngine
    private var ssh: ssh_session?
    private var channel: ssh_channel?
    private var failure: CLIError?
    private(set) var hostKey: SSHHostKey?
    private(set) var negotiated: [String: String] = [:]
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

    init(target: CLITarget, style: CLITerminalStyle) {
        self.target = target
        self.name = target.description
        // Over SSH the password goes in the handshake; the engine still answers an OLT that asks
        // for the user name again inside the shell. A pty ends lines with CR.
        engine = CLISessionEngine(
            target: target.description, style: style, username: target.username, password: target.password,
            endOfLine: "\r")
    }

    /// Handshake, host key, login, shell, prompt: the prompt.
    func open(logger: Logger) throws(CLIError) -> String {
        let deadline = ContinuousClock.now + target.loginTimeout
        do throws(CLIError) {
            let key = try handshake()
            try check(key)
            warnAboutLegacyAlgorithms(key, logger: logger)
            try authenticate()
            try openShell()
            guard case .loggedIn(let prompt) = try pump(until: deadline, limit: target.loginTimeout) else {
                preconditionFailure("pump returns only at login or a completed command")
            }
            return prompt
        } catch {
            close()
            throw error
        }
    }

    /// TCP connection and key exchange with the configured algorithms: the host key presented.
    func handshake() throws(CLIError) -> SSHHostKey {
        guard let ssh = ssh_new() else {
            throw CLIError(.protocolError, target: name, message: "libssh could not allocate a session (out of memory)")
        }
        self.ssh = ssh
        let seconds = max(1, Int(target.loginTimeout.components.seconds))
        var status: Int32 = 0
        status |= ftth_ssh_ignore_config(ssh)
        status |= ftth_ssh_set_string(ssh, SSH_OPTIONS_HOST, target.host)
        status |= ftth_ssh_set_int(ssh, SSH_OPTIONS_PORT, Int32(target.port))
        status |= ftth_ssh_set_long(ssh, SSH_OPTIONS_TIMEOUT, seconds)
        status |= ftth_ssh_set_int(ssh, SSH_OPTIONS_NODELAY, 1)
        status |= ftth_ssh_set_string(ssh, SSH_OPTIONS_COMPRESSION, "no")
        status |= ftth_ssh_set_string(ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null")
        status |= ftth_ssh_set_string(ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null")
        if !target.username.isEmpty { status |= ftth_ssh_set_string(ssh, SSH_OPTIONS_USER, target.username) }
        guard status == 0 else {
            throw CLIError(
                .connectFailed, target: name,
                message: "libssh refused the connection settings (\(lastError)): check the OLT's host and port")
        }
        let algorithms = target.sshAlgorithms
        let lists: [(ssh_options_e, SSHAlgorithms.Kind)] = [
            (SSH_OPTIONS_HOSTKEYS, .hostKey), (SSH_OPTIONS_KEY_EXCHANGE, .keyExchange),
            (SSH_OPTIONS_CIPHERS_C_S, .cipher), (SSH_OPTIONS_CIPHERS_S_C, .cipher), (SSH_OPTIONS_HMAC_C_S, .mac),
            (SSH_OPTIONS_HMAC_S_C, .mac),
        ]
        for (option, kind) in lists {
            let list = algorithms.offered(kind).joined(separator: ",")
            guard ftth_ssh_set_string(ssh, option, list) == 0 else {
                throw CLIError(
                    .protocolError, target: name,
                    message: "this build of libssh supports none of the \(kind.rawValue) algorithms \(list) "
                        + "(\(lastError))")
            }
        }
        guard ssh_connect(ssh) == SSH_OK else {
            let said = lastError
            if said.contains("no match for method") || said.contains("kex error") {
                throw CLIError(
                    .protocolError, target: name,
                    message: "the OLT and this client have no SSH algorithm in common (\(said)). If the OLT's "
                        + "firmware offers only legacy algorithms, list the ones it needs in this OLT's "
                        + "ssh_legacy_algorithms (names as `ssh -Q` prints them)")
            }
            if said.contains("Timeout") || said.contains("timeout") {
                throw CLIError(
                    .timeout, target: name,
                    message: "the SSH handshake did not finish within \(target.loginTimeout) (\(said)): the OLT "
                        + "is slow or overloaded, or a firewall drops the connection")
            }
            throw CLIError(
                .connectFailed, target: name,
                message: "could not open the SSH connection (\(said)): check the OLT's address and port in the "
                    + "configuration, that the OLT is up and reachable from this host, and that its SSH "
                    + "service is enabled")
        }
        var key: ssh_key?
        guard ssh_get_server_publickey(ssh, &key) == SSH_OK, let key else {
            throw CLIError(.protocolError, target: name, message: "the OLT sent no host key (\(lastError))")
        }
        defer { ssh_key_free(key) }
        guard let presented = SSHHostKey(key) else {
            throw CLIError(.protocolError, target: name, message: "libssh could not read the OLT's host key")
        }
        hostKey = presented
        negotiated = [
            "kex": string(ssh_get_kex_algo(ssh)), "cipher.out": string(ssh_get_cipher_out(ssh)),
            "cipher.in": string(ssh_get_cipher_in(ssh)), "mac.out": string(ssh_get_hmac_out(ssh)),
            "mac.in": string(ssh_get_hmac_in(ssh)), "hostkey": presented.type,
        ]
        return presented
    }

    /// Refuses a host key that is not the pinned one, naming both fingerprints.
    func check(_ key: SSHHostKey) throws(CLIError) {
        guard let pin = target.hostKey else {
            throw CLIError(
                .hostKeyRejected, target: name,
                message: "no host key is pinned for this OLT; it presents \(key.line) (\(key.fingerprint)). Check "
                    + "that fingerprint on the OLT's console, then set it as the OLT's host_key")
        }
        guard key.matches(pin: pin) else {
            let pinned = SSHHostKey.fingerprint(ofPin: pin) ?? "an unreadable key"
            throw CLIError(
                .hostKeyRejected, target: name,
                message: "the OLT presented host key \(key.fingerprint) (\(key.type)) but \(pinned) is pinned: "
                    + "the OLT was replaced or re-keyed, or someone is in the middle. Check the key on the OLT's "
                    + "console before changing host_key")
        }
    }

    private func warnAboutLegacyAlgorithms(_ key: SSHHostKey, logger: Logger) {
        var used = Set(negotiated.filter { $0.key != "hostkey" }.values)
        // libssh does not say which RSA signature was negotiated: a server offering only ssh-rsa
        // gets ssh-rsa, and one offering rsa-sha2 gets those first.
        if key.type == "ssh-rsa", target.sshAlgorithms.legacyOptIn.contains("ssh-rsa") { used.insert("ssh-rsa") }
        for algorithm in used.sorted() where SSHAlgorithms.kind(ofLegacy: algorithm) != nil {
            let first = legacyAlgorithmWarnings.withLock { $0.insert("\(name) \(algorithm)").inserted }
            guard first else { continue }
            logger.warning(
                "SSH to the OLT uses a legacy algorithm it was configured to allow",
                metadata: ["olt.target": "\(name)", "ssh.algorithm": "\(algorithm)"])
        }
    }

    /// Key file first when configured, then password, then keyboard-interactive.
    func authenticate() throws(CLIError) {
        guard let ssh else { preconditionFailure("authenticate() before handshake()") }
        var rc = ssh_userauth_none(ssh, nil)
        if rc == SSH_AUTH_SUCCESS.rawValue { return }
        try checkAuthError(rc)
        let methods = UInt32(bitPattern: ssh_userauth_list(ssh, nil))
        var tried: [String] = []
        if let file = target.privateKeyFile, methods & UInt32(SSH_AUTH_METHOD_PUBLICKEY) != 0 {
            var key: ssh_key?
            guard ssh_pki_import_privkey_file(file, nil, nil, nil, &key) == SSH_OK, let key else {
                throw CLIError(
                    .authenticationFailed, target: name,
                    message: "could not read the private key file \(file): check its path, permissions and "
                        + "that it is not protected by a pass phrase")
            }
            defer { ssh_key_free(key) }
            rc = ssh_userauth_publickey(ssh, nil, key)
            if rc == SSH_AUTH_SUCCESS.rawValue { return }
            try checkAuthError(rc)
            tried.append("public key \(file)")
        }
        if methods & UInt32(SSH_AUTH_METHOD_PASSWORD) != 0 {
            rc = ssh_userauth_password(ssh, nil, target.password)
            if rc == SSH_AUTH_SUCCESS.rawValue { return }
            try checkAuthError(rc)
            tried.append("password")
        }
        if methods & UInt32(SSH_AUTH_METHOD_INTERACTIVE) != 0 {
            rc = ssh_userauth_kbdint(ssh, nil, nil)
            var rounds = 0
            while rc == SSH_AUTH_INFO.rawValue, rounds < 8 {
                rounds += 1
                for i in 0..<UInt32(max(0, ssh_userauth_kbdint_getnprompts(ssh))) {
                    var echo: CChar = 0
                    _ = ssh_userauth_kbdint_getprompt(ssh, i, &echo)
                    // A prompt that echoes asks for something visible (the user name); a hidden one
                    // for the secret.
                    let answer = echo != 0 ? target.username : target.password
                    _ = ssh_userauth_kbdint_setanswer(ssh, i, answer)
                }
                rc = ssh_userauth_kbdint(ssh, nil, nil)
            }
            if rc == SSH_AUTH_SUCCESS.rawValue { return }
            try checkAuthError(rc)
            tried.append("keyboard-interactive")
        }
        throw CLIError(
            .authenticationFailed, target: name,
            message: tried.isEmpty
                ? "the OLT offers no login method this client has (it accepts: \(Self.methodNames(methods))); "
                    + "configure a password or a private key file for user '\(target.username)'"
                : "the OLT refused user '\(target.username)' (tried: \(tried.joined(separator: ", "))): check the "
                    + "user name and password configured for this OLT")
    }

    static func methodNames(_ methods: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (SSH_AUTH_METHOD_PASSWORD, "password"), (SSH_AUTH_METHOD_PUBLICKEY, "publickey"),
            (SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive"), (SSH_AUTH_METHOD_HOSTBASED, "hostbased"),
            (SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic"),
        ]
        let list = names.filter { methods & $0.0 != 0 }.map(\.1)
        return list.isEmpty ? "none" : list.joined(separator: ", ")
    }

    private func checkAuthError(_ rc: Int32) throws(CLIError) {
        guard rc == SSH_AUTH_ERROR.rawValue else { return }
        throw CLIError(.disconnected, target: name, message: "the SSH connection failed during login (\(lastError))")
    }

    func openShell() throws(CLIError) {
        guard let ssh, let channel = ssh_channel_new(ssh) else {
            throw CLIError(.protocolError, target: name, message: "libssh could not create a channel (\(lastError))")
        }
        self.channel = channel
        guard ssh_channel_open_session(channel) == SSH_OK else {
            throw CLIError(
                .sessionLimit, target: name,
                message: "the OLT refused a session channel (\(lastError)); it may allow no more sessions")
        }
        guard
            ssh_channel_request_pty_size(
                channel, "vt100", Int32(TelnetNegotiator.columns), Int32(TelnetNegotiator.rows)) == SSH_OK,
            ssh_channel_request_shell(channel) == SSH_OK
        else {
            throw CLIError(
                .protocolError, target: name, message: "the OLT refused a terminal or a shell (\(lastError))")
        }
    }

    func run(_ line: String, timeout: Duration) throws(CLIError) -> CLIOutput {
        if let failure {
            throw CLIError(
                .disconnected, target: failure.target,
                message: "the session is closed (\(failure.message)); open a new one")
        }
        let action = engine.run(line)
        if case .failed(let error) = action { throw error }
        let deadline = ContinuousClock.now + timeout
        try perform(action)
        guard case .completed(let output) = try pump(until: deadline, limit: timeout) else {
            preconditionFailure("pump returns only at login or a completed command")
        }
        return output
    }

    /// Reads what the OLT prints into the engine, writing its answers, until login or the command
    /// completes; fails the session on a timeout, an error or the end of the channel.
    private func pump(until deadline: ContinuousClock.Instant, limit: Duration) throws(CLIError)
        -> CLISessionEngine.Action
    {
        guard let channel else { preconditionFailure("pump before openShell()") }
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw fail(engine.timedOut(after: limit)) }
            let milliseconds = Int32(clamping: min(max(remaining.milliseconds, 1), 500))
            let count = buffer.withUnsafeMutableBytes { raw in
                ssh_channel_read_timeout(channel, raw.baseAddress, UInt32(raw.count), 0, milliseconds)
            }
            if count == SSH_ERROR {
                throw fail(
                    CLIError(
                        .disconnected, target: name, message: "the SSH connection failed (\(lastError))",
                        deviceText: engine.partialOutput.isEmpty ? nil : engine.partialOutput))
            }
            if count == 0 {
                if ssh_channel_is_eof(channel) != 0 || ssh_channel_is_closed(channel) != 0 {
                    throw fail(engine.connectionClosed())
                }
                continue
            }
            let action = engine.received(buffer[0..<Int(count)])
            switch action {
            case .loggedIn, .completed: return action
            default: try perform(action)
            }
        }
    }

    private func perform(_ action: CLISessionEngine.Action) throws(CLIError) {
        switch action {
        case .none, .loggedIn, .completed:
            break
        case .send(let bytes):
            guard let channel else { return }
            let written = bytes.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress, UInt32($0.count)) }
            if written == SSH_ERROR {
                throw fail(CLIError(.disconnected, target: name, message: "could not write to the OLT (\(lastError))"))
            }
        case .failed(let error):
            throw fail(error)
        }
    }

    /// Records the session's failure and closes it: a session in an unknown state runs nothing more.
    private func fail(_ error: CLIError) -> CLIError {
        failure = failure ?? error
        close()
        return error
    }

    func close() {
        if let channel {
            ssh_channel_free(channel)
            self.channel = nil
        }
        if let ssh {
            ssh_disconnect(ssh)
            ssh_free(ssh)
            self.ssh = nil
        }
        if failure == nil {
            failure = CLIError(.disconnected, target: name, message: "the session was closed")
        }
    }

    private var lastError: String {
        guard let ssh, let text = ssh_get_error(UnsafeMutableRawPointer(ssh)) else { return "no detail" }
        return String(cString: text)
    }

    private func string(_ text: UnsafePointer<CChar>?) -> String { text.map { String(cString: $0) } ?? "?" }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
