import FTTHSNMP
import Foundation
import ProcessLab
import SNMPModel

#if canImport(Glibc)
    import Glibc
#endif

/// Paths, ports and processes the tests need.
enum TestEnvironment {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // FTTHSNMPTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The recorded OLT data (see Resources/README.md).
    static let resources = packageRoot.appendingPathComponent("Tests/FTTHSNMPTests/Resources")

    /// A new empty directory, removed by the caller.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A UDP port on 127.0.0.1 that nothing listened on a moment ago.
    static func freeUDPPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        precondition(fd >= 0, "cannot create a UDP socket")
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        precondition(bound, "cannot bind a UDP socket on 127.0.0.1")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `body` on a thread of its own (a blocking wait for a process must not hold one of the
    /// few threads of the concurrency pool).
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs a program to its end and returns its standard output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await offPool {
            var ends: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
                throw TestFailure("cannot create a socket pair")
            }
            let errors = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ftth-stderr-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: errors) }
            let errorFD = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            let pid: pid_t
            do {
                pid = try LabChild.spawn(
                    executable, arguments, environment: ["MIBS": ""], stdout: ends[1], stderr: errorFD)
            } catch {
                close(ends[0])
                close(ends[1])
                close(errorFD)
                throw error
            }
            close(ends[1])
            close(errorFD)
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
                if count > 0 {
                    output += buffer.prefix(count)
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(ends[0])
            let status = LabChild.waitForExit(pid)
            guard status == 0 else {
                let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                throw TestFailure(
                    "\(executable) \(arguments.joined(separator: " ")) exited with status \(status): \(message)")
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Waits until `session` answers a GET of `oid`, retrying with the session's short timeout,
    /// for at most `seconds`; fails early when `alive` turns false (the agent process died).
    static func waitUntilAnswering(
        _ session: SNMPSession, oid: OID, within seconds: Int, alive: @Sendable () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var lastError: SNMPError?
        while ContinuousClock.now < deadline {
            guard alive() else {
                throw TestFailure("the agent process ended before answering: \(String(describing: lastError))")
            }
            do {
                _ = try await session.get([oid])
                return
            } catch {
                lastError = error
            }
        }
        throw TestFailure("the agent did not answer within \(seconds) s: \(String(describing: lastError))")
    }
}

/// A test set-up failure with a readable reason.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
