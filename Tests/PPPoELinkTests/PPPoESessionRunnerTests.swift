import Foundation
import PPPCore
import PPPoELink
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The runner on the host kernel, without User-Mode Linux: our client on one end of a veth
/// pair, PPPCore's pure access concentrator on the other (driven by its own loop over a
/// PcapLink), a UDP datagram through the TUN device echoed back by the concentrator, then a
/// clean hang-up the concentrator sees.
@Suite("PPPoESessionRunner against PPPCore's access concentrator over a veth pair", .serialized)
struct PPPoESessionRunnerTests {
    /// The concentrator's side: a thread that polls its capture and runs its timers until stopped.
    final class Concentrator: Sendable {
        let stopFlag = Atomic<Bool>(false)
        let events = Mutex<[String]>([])
        let finished = Mutex<Bool>(false)

        func start(interface: String, accounts: [String: String]) throws {
            let link = try PcapLink(interface: interface)
            var config = PPPoEAccessConcentratorConfig(macAddress: link.macAddress, accounts: accounts)
            config.acName = "veth-bras"
            config.serverAddress = [10, 212, 0, 1]
            config.firstClientAddress = [10, 212, 0, 10]
            config.dns = [[10, 212, 0, 53]]
            let concentrator = PPPoEAccessConcentrator(config: config)
            // Handed over to the loop's thread; this one never touches the link again.
            nonisolated(unsafe) let owned = link
            Thread.detachNewThread { [self] in
                self.loop(link: owned, concentrator: concentrator)
            }
        }

        private func loop(link: PcapLink, concentrator: PPPoEAccessConcentrator) {
            var concentrator = concentrator
            let origin = ContinuousClock.now
            func now() -> Duration { origin.duration(to: .now) }
            func perform(_ actions: [PPPoEAccessConcentrator.Action]) {
                for action in actions {
                    switch action {
                    case .send(let frame):
                        try? link.send(frame)
                    case .deliverIPv4(_, let packet):
                        // Echo a UDP datagram: swapping the addresses and the ports keeps both
                        // checksums valid.
                        guard packet.count >= 28, packet[9] == 17 else { continue }
                        var reply = packet
                        let headerLength = Int(packet[0] & 0x0F) * 4
                        reply.replaceSubrange(12..<16, with: packet[16..<20])
                        reply.replaceSubrange(16..<20, with: packet[12..<16])
                        reply.replaceSubrange(
                            headerLength..<headerLength + 2, with: packet[headerLength + 2..<headerLength + 4])
                        reply.replaceSubrange(
                            headerLength + 2..<headerLength + 4, with: packet[headerLength..<headerLength + 2])
                        perform(concentrator.sendIPv4(reply, now: now()))
                    case .log(let line):
                        events.withLock { $0.append(line) }
                    case .sessionUp(_, let address, let username):
                        events.withLock { $0.append("up \(username) \(address)") }
                    case .sessionDown(_, let reason):
                        events.withLock { $0.append("down \(reason)") }
                    }
                }
            }
            while !stopFlag.load(ordering: .relaxed) {
                var descriptor = pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 20)
                _ = try? link.receive { frame in perform(concentrator.receive(frame: frame, now: now())) }
                if let deadline = concentrator.nextDeadline, now() >= deadline {
                    perform(concentrator.tick(now: now()))
                }
            }
            link.close()
            finished.withLock { $0 = true }
        }

        func stop() {
            stopFlag.store(true, ordering: .relaxed)
            for _ in 0..<100 where !finished.withLock({ $0 }) { usleep(10_000) }
        }
    }

    /// Sends "ping" from `local` to `peer`:7 over UDP and waits up to a second for the echo.
    static func udpEcho(local: String, peer: String) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(socket) }
        var source = sockaddr_in()
        source.sin_family = sa_family_t(AF_INET)
        source.sin_addr.s_addr = inet_addr(local)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr(peer)
        target.sin_port = UInt16(7).bigEndian
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, size) == 0 }
        }
        guard bound else { return false }
        let message = Array("ping".utf8)
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(socket, message, message.count, 0, $0, size) }
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 1000) == 1 else { return false }
        var answer = [UInt8](repeating: 0, count: 16)
        let count = recv(socket, &answer, answer.count, Int32(MSG_DONTWAIT))
        return count == 4 && Array(answer[0..<4]) == message
    }

    /// What a command printed.
    static func output(_ path: String, _ arguments: String...) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "" }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test("A TUN device that cannot be made hangs the session up and says why")
    func tunFailureClosesSession() throws {
        try PPPoELinkTests.withVethPair(tag: "t") { client, server in
            let concentrator = Concentrator()
            try concentrator.start(interface: server, accounts: ["probe": "secret"])
            defer { concentrator.stop() }
            let config = PPPoEClientConfig(
                macAddress: [0, 0, 0, 0, 0, 0], username: "probe", password: "secret", hostUniq: [5, 6, 7, 8])
            // 16 bytes and more do not fit an interface name.
            let runner = try PPPoESessionRunner(
                interface: client, config: config, options: .init(tunName: "a-name-far-too-long-for-linux"))
            #expect {
                _ = try runner.run { _ in }
            } throws: { error in
                (error as? PPPoELinkError)?.code == .tun
            }
            var sawDown = false
            for _ in 0..<100 where !sawDown {
                sawDown = concentrator.events.withLock { $0.contains { $0.hasPrefix("down") } }
                if !sawDown { usleep(10_000) }
            }
            #expect(sawDown, "the session was hung up: \(concentrator.events.withLock { $0 })")
        }
    }

    @Test("The session comes up, carries a datagram both ways through the TUN device, and hangs up cleanly")
    func sessionThroughTun() throws {
        try PPPoELinkTests.withVethPair(tag: "r") { client, server in
            let concentrator = Concentrator()
            try concentrator.start(interface: server, accounts: ["probe": "secret"])
            defer { concentrator.stop() }

            var config = PPPoEClientConfig(
                macAddress: [0, 0, 0, 0, 0, 0], username: "probe", password: "secret", hostUniq: [1, 2, 3, 4])
            config.discoveryTimeout = .milliseconds(500)
            let runner = try PPPoESessionRunner(
                interface: client, config: config, options: .init(tunName: "ftthrt%d", routes: ["10.213.7.0/24"]))
            let echoed = Mutex<Bool?>(nil)
            var up: PPPoESessionInfo?
            var lines: [String] = []
            var routes = ""
            let closer = runner.closer
            let outcome = try runner.run { event in
                switch event {
                case .log(_, let line):
                    lines.append(line)
                case .up(let info, let tunName, _):
                    up = info
                    routes = Self.output("/usr/sbin/ip", "route", "show", "dev", tunName)
                    // The echo waits on the runner, so it runs on a thread of its own.
                    Thread.detachNewThread {
                        let result = Self.udpEcho(local: "10.212.0.10", peer: "10.212.0.1")
                        echoed.withLock { $0 = result }
                        closer.close()
                    }
                case .finished:
                    break
                }
            }
            #expect(outcome == .closed, "\(lines)")
            let session = try #require(up, "the session came up: \(lines)")
            #expect(session.localIP == [10, 212, 0, 10])
            #expect(session.peerIP == [10, 212, 0, 1])
            #expect(session.acName == "veth-bras")
            #expect(routes.contains("10.213.7.0/24"), "the route goes through the TUN device: \(routes)")
            #expect(echoed.withLock { $0 } == true, "the datagram came back through the session: \(lines)")
            // The concentrator saw the hang-up (LCP Terminate-Request, then PADT).
            var sawDown = false
            for _ in 0..<100 where !sawDown {
                sawDown = concentrator.events.withLock { $0.contains { $0.hasPrefix("down") } }
                if !sawDown { usleep(10_000) }
            }
            #expect(sawDown, "\(concentrator.events.withLock { $0 })")
        }
    }
}
