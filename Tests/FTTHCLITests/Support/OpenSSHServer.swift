import Foundation
import ProcessLab

/// Debian's OpenSSH sshd on a loopback port with a configuration of its own, in a temporary
/// directory: host keys made by ssh-keygen there, root logging in with a key from a temporary
/// `AuthorizedKeysFile` (no account is created), and a `ForceCommand` running olt-sim's CLI shell
/// on the session's terminal. `legacy` restricts it to what an OLT offers: an RSA host key
/// signed with ssh-rsa, group14-sha1 and group-exchange-sha1, AES-CTR/CBC and hmac-sha1.
final class OpenSSHServer: Sendable {
    let port: Int
    let directory: URL
    /// The key line of the host key sshd presents (`ssh-rsa AAAA…` or `ssh-ed25519 AAAA…`).
    let hostKey: String
    /// The private key root logs in with.
    let clientKeyFile: String
    private let process: LabProcess

    static let sshd = "/usr/sbin/sshd"

    /// The legacy set, as an OLT's firmware offers it.
    static let legacyAlgorithms = [
        "ssh-rsa", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1", "aes128-ctr", "aes256-ctr",
        "aes128-cbc", "hmac-sha1",
    ]

    private init(port: Int, directory: URL, hostKey: String, clientKeyFile: String, process: LabProcess) {
        self.port = port
        self.directory = directory
        self.hostKey = hostKey
        self.clientKeyFile = clientKeyFile
        self.process = process
    }

    static func start(legacy: Bool, dialect: String = "huawei") async throws -> OpenSSHServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftth-sshd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let hostKeyType = legacy ? "rsa" : "ed25519"
        let hostKeyFile = directory.appendingPathComponent("host_\(hostKeyType)").path
        let clientKeyFile = directory.appendingPathComponent("client_ed25519").path
        try keygen(type: hostKeyType, file: hostKeyFile)
        try keygen(type: "ed25519", file: clientKeyFile)
        try FileManager.default.copyItem(
            atPath: clientKeyFile + ".pub", toPath: directory.appendingPathComponent("authorized_keys").path)
        // sshd refuses to start without its privilege separation directory (made by the init script).
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try freeTCPPort()
        var lines = [
            "Port \(port)", "ListenAddress 127.0.0.1", "HostKey \(hostKeyFile)",
            "PidFile \(directory.appendingPathComponent("sshd.pid").path)",
            "AuthorizedKeysFile \(directory.appendingPathComponent("authorized_keys").path)", "UsePAM no",
            "StrictModes no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "LogLevel VERBOSE",
            "ForceCommand \(oltSim) cli-stdio --dialect \(dialect)",
        ]
        if legacy {
            lines += [
                "HostKeyAlgorithms ssh-rsa", "PubkeyAcceptedAlgorithms ssh-ed25519",
                "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1",
                "Ciphers aes128-ctr,aes256-ctr,aes128-cbc", "MACs hmac-sha1",
            ]
        }
        let config = directory.appendingPathComponent("sshd_config").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        let process = try LabProcess("sshd", path: sshd, arguments: ["-D", "-e", "-f", config])
        try await process.waitFor("sshd listening", timeout: 20) { $0.standardError.contains("Server listening") }
        let publicKey = try String(contentsOfFile: hostKeyFile + ".pub", encoding: .utf8)
        let hostKey = publicKey.split(separator: " ").prefix(2).joined(separator: " ")
        return OpenSSHServer(
            port: port, directory: directory, hostKey: hostKey, clientKeyFile: clientKeyFile, process: process)
    }

    /// sshd's log, for a failure's message.
    var log: String { process.standardError }

    func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A new key of `type` in `file` (and `file.pub`), without a pass phrase. posix_spawn and
    /// waitpid rather than Foundation's Process, whose waitUntilExit can hang on a busy
    /// cooperative pool.
    static func keygen(type: String, file: String) throws {
        let arguments =
            ["ssh-keygen", "-q", "-t", type, "-N", "", "-C", "ftth-test", "-f", file]
            + (type == "rsa" ? ["-b", "2048"] : [])
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/ssh-keygen", nil, nil, &argv, environ) == 0 else {
            throw LabError("cannot start /usr/bin/ssh-keygen: install openssh-client")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw LabError("ssh-keygen -t \(type) -f \(file) failed (status \(status))") }
    }

    /// The olt-sim built next to the tests (or in FTTH_BIN).
    static var oltSim: String {
        if let directory = ProcessInfo.processInfo.environment["FTTH_BIN"] { return directory + "/olt-sim" }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent("olt-sim").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}
