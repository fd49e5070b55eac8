import CLIModel
import CLibSSH
import Dispatch
import Foundation
import NIOCore
import NIOPosix
import OLTSim
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One simulated OLT's SSH server on libssh's server API: the OLT's algorithm set and host keys,
/// login by password and keyboard-interactive as configured, and a shell channel that carries the
/// OLT's CLI session (``SimCLISessionHandler``, the same one Telnet serves).
///
/// libssh blocks, so nothing here runs on Swift's cooperative pool: one thread accepts, and each
/// connection has a thread of its own that does the handshake and login and then copies bytes
/// between the SSH channel and a socket pair whose other end is the CLI session's NIO channel.
final class SimSSHServer: @unchecked Sendable {
    // @unchecked Sendable: `bind` is used by the accept thread only, and freed by `stop()` after
    // that thread has ended; the other stored properties are immutable or synchronised.

    let endpoint: SimCLIEndpoint
    let group: any EventLoopGroup
    let port: Int
    private let bind: ssh_bind
    private let listener: Int32
    private let stopping = Atomic<Bool>(false)
    private let acceptEnded = DispatchSemaphore(value: 0)

    /// Binds `host:port` with the OLT's algorithm set and `keys`. Throws ``SimulatorError`` when
    /// libssh refuses an algorithm or the port is taken.
    init(endpoint: SimCLIEndpoint, host: String, port: Int, keys: SimSSHHostKeys, group: any EventLoopGroup) throws {
        self.endpoint = endpoint
        self.group = group
        guard let bind = ssh_bind_new() else { throw SimulatorError("libssh could not allocate a server") }
        var ok = true
        ok = ok && ftth_ssh_bind_ignore_config(bind) == SSH_OK
        ok = ok && ftth_ssh_bind_set_string(bind, SSH_BIND_OPTIONS_BINDADDR, host) == SSH_OK
        ok = ok && ftth_ssh_bind_set_int(bind, SSH_BIND_OPTIONS_BINDPORT, Int32(port)) == SSH_OK
        for text in [keys.ed25519, keys.rsa] {
            let key = try SimSSHHostKeys.key(from: text)
            ok = ok && ftth_ssh_bind_import_key(bind, key) == SSH_OK
        }
        guard ok else {
            ssh_bind_free(bind)
            throw SimulatorError("libssh refused the server's address or host keys")
        }
        let set = endpoint.configuration.sshAlgorithms
        let lists: [(ssh_bind_options_e, SSHAlgorithms.Kind)] = [
            (SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, .hostKey), (SSH_BIND_OPTIONS_KEY_EXCHANGE, .keyExchange),
            (SSH_BIND_OPTIONS_CIPHERS_C_S, .cipher), (SSH_BIND_OPTIONS_CIPHERS_S_C, .cipher),
            (SSH_BIND_OPTIONS_HMAC_C_S, .mac), (SSH_BIND_OPTIONS_HMAC_S_C, .mac),
        ]
        for (option, kind) in lists {
            let list = set.offered(kind).joined(separator: ",")
            guard ftth_ssh_bind_set_string(bind, option, list) == SSH_OK else {
                let said = Self.error(of: UnsafeMutableRawPointer(bind))
                ssh_bind_free(bind)
                throw SimulatorError(
                    "this libssh cannot serve the \(set.rawValue) \(kind.rawValue) algorithms \(list) (\(said))")
            }
        }
        guard ssh_bind_listen(bind) == SSH_OK else {
            let said = Self.error(of: UnsafeMutableRawPointer(bind))
            ssh_bind_free(bind)
            throw SimulatorError("cannot listen for SSH on \(host):\(port) (\(said))")
        }
        self.bind = bind
        let listener = ssh_bind_get_fd(bind)
        self.listener = listener
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let family = Int32(address.ss_family)
        self.port = withUnsafePointer(to: &address) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// Starts accepting connections on a thread of the server's own.
    func start() {
        let thread = Thread { [self] in
            acceptLoop()
            acceptEnded.signal()
        }
        thread.name = "olt-sim ssh accept \(endpoint.olt.config.name)"
        thread.start()
    }

    /// Stops accepting and closes the listening socket; open sessions end within a poll interval.
    func stop() async {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        // The accept thread has ended when the semaphore is signalled: nothing else uses the bind.
        nonisolated(unsafe) let bind = bind
        let ended = acceptEnded
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                ended.wait()
                ssh_bind_free(bind)
                continuation.resume()
            }
        }
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private func acceptLoop() {
        while !isStopping {
            var watch = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&watch, 1, 100) > 0, watch.revents & Int16(POLLIN) != 0 else { continue }
            guard let session = ssh_new() else { continue }
            guard ssh_bind_accept(bind, session) == SSH_OK else {
                ssh_free(session)
                continue
            }
            let connection = SimSSHConnection(server: self, session: session)
            let thread = Thread { connection.serve() }
            thread.name = "olt-sim ssh \(endpoint.olt.config.name)"
            thread.start()
        }
    }

    fileprivate var stopRequested: Bool { isStopping }

    static func error(of handle: UnsafeMutableRawPointer) -> String {
        guard let text = ssh_get_error(handle) else { return "no detail" }
        return String(cString: text)
    }
}

/// One accepted SSH connection, used only on its own thread.
private final class SimSSHConnection: @unchecked Sendable {
    // @unchecked Sendable: created by the accept thread and then used only on the connection's
    // own thread.
    let server: SimSSHServer
    let session: ssh_session
    var configuration: SimCLIConfiguration { server.endpoint.configuration }

    init(server: SimSSHServer, session: ssh_session) {
        self.server = server
        self.session = session
    }

    func serve() {
        defer {
            ssh_disconnect(session)
            ssh_free(session)
        }
        var seconds = 10
        _ = ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &seconds)
        guard ssh_handle_key_exchange(session) == SSH_OK, authenticate(), let channel = openShell() else { return }
        defer { ssh_channel_free(channel) }
        carry(channel)
    }

    var allowedMethods: UInt32 {
        configuration.sshAuthMethods.reduce(UInt32(0)) { mask, method in
            switch method {
            case .password: mask | SSH_AUTH_METHOD_PASSWORD
            case .keyboardInteractive: mask | SSH_AUTH_METHOD_INTERACTIVE
            }
        }
    }

    /// Password and keyboard-interactive logins as the OLT's configuration allows; three wrong
    /// answers end the connection, as on an OLT.
    func authenticate() -> Bool {
        let methods = allowedMethods
        ssh_set_auth_methods(session, Int32(bitPattern: methods))
        var failures = 0
        var interactiveUser: String?
        while failures < 3, !server.stopRequested, let message = ssh_message_get(session) {
            defer { ssh_message_free(message) }
            guard ssh_message_type(message) == Int32(SSH_REQUEST_AUTH.rawValue) else {
                _ = ssh_message_reply_default(message)
                continue
            }
            let subtype = UInt32(bitPattern: ssh_message_subtype(message))
            if subtype == SSH_AUTH_METHOD_PASSWORD, methods & SSH_AUTH_METHOD_PASSWORD != 0 {
                let user = ssh_message_auth_user(message).map { String(cString: $0) }
                let password = ftth_ssh_message_auth_password(message).map { String(cString: $0) }
                if user == configuration.username, password == configuration.password.value {
                    _ = ssh_message_auth_reply_success(message, 0)
                    return true
                }
                failures += 1
            } else if subtype == SSH_AUTH_METHOD_INTERACTIVE, methods & SSH_AUTH_METHOD_INTERACTIVE != 0 {
                if ssh_message_auth_kbdint_is_response(message) == 0 {
                    interactiveUser = ssh_message_auth_user(message).map { String(cString: $0) }
                    _ = ftth_ssh_ask_password_interactively(message, "Password: ")
                    continue
                }
                let answer =
                    ssh_userauth_kbdint_getnanswers(session) == 1
                    ? ssh_userauth_kbdint_getanswer(session, 0).map { String(cString: $0) } : nil
                if interactiveUser == configuration.username, answer == configuration.password.value {
                    _ = ssh_message_auth_reply_success(message, 0)
                    return true
                }
                failures += 1
                interactiveUser = nil
            }
            _ = ssh_message_auth_set_methods(message, Int32(bitPattern: methods))
            _ = ssh_message_reply_default(message)
        }
        return false
    }

    /// Accepts one session channel, its pty and its shell; refuses `exec` and the rest.
    func openShell() -> ssh_channel? {
        var channel: ssh_channel?
        while !server.stopRequested, let message = ssh_message_get(session) {
            defer { ssh_message_free(message) }
            let type = ssh_message_type(message)
            let subtype = ssh_message_subtype(message)
            if channel == nil, type == Int32(SSH_REQUEST_CHANNEL_OPEN.rawValue),
                subtype == Int32(SSH_CHANNEL_SESSION.rawValue)
            {
                channel = ssh_message_channel_request_open_reply_accept(message)
                continue
            }
            if channel != nil, type == Int32(SSH_REQUEST_CHANNEL.rawValue) {
                if subtype == Int32(SSH_CHANNEL_REQUEST_PTY.rawValue)
                    || subtype == Int32(SSH_CHANNEL_REQUEST_WINDOW_CHANGE.rawValue)
                {
                    _ = ssh_message_channel_request_reply_success(message)
                    continue
                }
                if subtype == Int32(SSH_CHANNEL_REQUEST_SHELL.rawValue) {
                    _ = ssh_message_channel_request_reply_success(message)
                    return channel
                }
            }
            _ = ssh_message_reply_default(message)
        }
        if let channel { ssh_channel_free(channel) }
        return nil
    }

    /// Runs the OLT's CLI session on a socket pair and copies bytes between it and the channel
    /// until either side ends; the shell ending closes the channel with exit status 0, as an
    /// OLT's logout does.
    func carry(_ channel: ssh_channel) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return }
        let local = pair[0]
        let endpoint = server.endpoint
        do {
            _ = try NIOPipeBootstrap(group: server.group)
                .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                .channelInitializer { nio in
                    nio.eventLoop.makeCompletedFuture {
                        try nio.pipeline.syncOperations.addHandlers([
                            SimCLIStdioStart(), SimCLISessionHandler(endpoint: endpoint, needsLogin: false),
                        ])
                    }
                }
                .takingOwnershipOfDescriptor(inputOutput: pair[1]).wait()
        } catch {
            close(local)
            close(pair[1])
            return
        }
        defer { close(local) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var inputEnded = false
        while !server.stopRequested {
            var watch = [
                pollfd(fd: ssh_get_fd(session), events: Int16(POLLIN), revents: 0),
                pollfd(fd: local, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&watch, 2, 100)
            // The client's bytes to the CLI session (libssh may hold some already read).
            while true {
                let count = buffer.withUnsafeMutableBytes {
                    ssh_channel_read_nonblocking(channel, $0.baseAddress, UInt32($0.count), 0)
                }
                // SSH_EOF once the client sent EOF and everything before it was read.
                if count == SSH_EOF { break }
                if count < 0 { return }
                if count == 0 { break }
                // A session that ended (the session cap, `quit`) reads nothing more: what it still
                // wrote is read below, then its end closes the channel.
                if !writeAll(local, buffer, count: Int(count)) { inputEnded = true }
            }
            if !inputEnded, ssh_channel_is_eof(channel) != 0 {
                inputEnded = true
                shutdown(local, Int32(SHUT_WR))
            }
            if ssh_channel_is_closed(channel) != 0 { return }
            guard watch[1].revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(local, $0.baseAddress, $0.count) }
            if count > 0 {
                let written = buffer.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress, UInt32(count)) }
                if written == SSH_ERROR { return }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                _ = ssh_channel_request_send_exit_status(channel, 0)
                _ = ssh_channel_send_eof(channel)
                _ = ssh_channel_close(channel)
                _ = ssh_blocking_flush(session, 1000)
                return
            }
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
