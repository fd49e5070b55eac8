import FTTHSNMP
import Foundation
import ProcessLab
import SNMPModel
import Testing

/// net-snmp's `snmpd` on 127.0.0.1 and a free UDP port, configured in a temporary directory with
/// a read community, a write community and one SNMPv3 user per security combination.
struct SNMPDaemon: Sendable {
    /// One SNMPv3 user the daemon knows.
    struct User: Sendable, CustomTestStringConvertible {
        let name: String
        let auth: SNMPv3Security.AuthProtocol?
        let priv: SNMPv3Security.PrivProtocol?

        var security: SNMPv3Security {
            SNMPv3Security(
                user: name, auth: auth.map { ($0, SNMPDaemon.authKey) }, priv: priv.map { ($0, SNMPDaemon.privKey) })
        }

        var testDescription: String { "\(name) (\(security.level.rawValue))" }
    }

    static let readCommunity: Secret = "public"
    static let writeCommunity: Secret = "private"
    static let authKey: Secret = "auth-pass-1234"
    static let privKey: Secret = "priv-pass-5678"

    /// Every v3 combination: noAuthNoPriv, authNoPriv with MD5/SHA/SHA-256, authPriv with each of
    /// those and DES or AES.
    static let users: [User] =
        [User(name: "noauth", auth: nil, priv: nil)]
        + SNMPv3Security.AuthProtocol.allCases.map { User(name: userName($0, nil), auth: $0, priv: nil) }
        + SNMPv3Security.AuthProtocol.allCases.flatMap { auth in
            SNMPv3Security.PrivProtocol.allCases.map { User(name: userName(auth, $0), auth: auth, priv: $0) }
        }

    static func user(_ auth: SNMPv3Security.AuthProtocol?, _ priv: SNMPv3Security.PrivProtocol?) -> User {
        users.first { $0.auth == auth && $0.priv == priv }!
    }

    private static func userName(_ auth: SNMPv3Security.AuthProtocol?, _ priv: SNMPv3Security.PrivProtocol?) -> String {
        let a = auth.map { $0.rawValue.lowercased().replacingOccurrences(of: "-", with: "") } ?? "noauth"
        return a + (priv.map { $0.rawValue.lowercased() } ?? "")
    }

    let port: Int
    let directory: URL
    let process: LabChild

    /// A target on this daemon.
    func target(_ credentials: SNMPCredentials, timeoutMilliseconds: Int = 2000, retries: Int = 1) -> SNMPTarget {
        SNMPTarget(
            host: "127.0.0.1", port: port, credentials: credentials, timeoutMilliseconds: timeoutMilliseconds,
            retries: retries)
    }

    /// Starts the daemon and returns once it answers; retries on another port if the one picked
    /// was taken in the meantime.
    static func start() async throws -> SNMPDaemon {
        var lastError: Error?
        for _ in 0..<3 {
            let directory = try TestEnvironment.temporaryDirectory("ftth-snmpd")
            let port = TestEnvironment.freeUDPPort()
            do {
                let daemon = try await start(in: directory, port: port)
                return daemon
            } catch {
                lastError = error
                try? FileManager.default.removeItem(at: directory)
            }
        }
        throw lastError ?? TestFailure("snmpd did not start")
    }

    private static func start(in directory: URL, port: Int) async throws -> SNMPDaemon {
        let persistent = directory.appendingPathComponent("persist")
        try FileManager.default.createDirectory(at: persistent, withIntermediateDirectories: true)
        var lines = [
            "agentAddress udp:127.0.0.1:\(port)",
            "rocommunity \(readCommunity.value) 127.0.0.1",
            "rwcommunity \(writeCommunity.value) 127.0.0.1",
            "[snmp] persistentDir \(persistent.path)",
        ]
        for user in users {
            var line = "createUser \(user.name)"
            if let auth = user.auth { line += " \(auth.rawValue) \(authKey.value)" }
            if let priv = user.priv { line += " \(priv.rawValue) \(privKey.value)" }
            lines.append(line)
            let level = user.priv != nil ? "priv" : user.auth != nil ? "auth" : "noauth"
            lines.append("rouser \(user.name) \(level)")
        }
        let configuration = directory.appendingPathComponent("snmpd.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)
        let process = try LabChild(
            executable: "/usr/sbin/snmpd",
            arguments: [
                "-f", "-C", "-c", configuration.path, "-Lf", directory.appendingPathComponent("snmpd.log").path,
            ],
            environment: ["MIBS": ""], log: directory.appendingPathComponent("stdout.log"))
        let daemon = SNMPDaemon(port: port, directory: directory, process: process)
        do {
            let client = SNMPClient()
            let probe = try client.session(
                for: daemon.target(.v2c(community: readCommunity), timeoutMilliseconds: 50, retries: 0))
            try await TestEnvironment.waitUntilAnswering(probe, oid: "1.3.6.1.2.1.1.1.0", within: 10) {
                process.isRunning
            }
            await client.shutdown()
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }

    /// Ends the daemon and removes its directory.
    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a fresh daemon, stopped and cleaned up however `body` ends.
    static func with<T>(_ body: (SNMPDaemon) async throws -> T) async throws -> T {
        let daemon = try await start()
        defer { daemon.stop() }
        return try await body(daemon)
    }
}
