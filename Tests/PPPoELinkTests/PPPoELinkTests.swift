import Foundation
import PPPoELink
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The probe's link on the host kernel: libpcap on a veth pair (the PPPoE filter, VLAN tags, only
/// incoming frames) and a TUN device carrying IPv4 both ways. Needs root (or CAP_NET_RAW and
/// CAP_NET_ADMIN), /dev/net/tun and iproute2; the pair and the device are removed afterwards.
@Suite("PcapLink and TunDevice on the host kernel", .serialized)
struct PPPoELinkTests {
    /// Runs `ip` with `arguments`; throws with its message when it fails.
    static func ip(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw LinkTestError("ip \(arguments.joined(separator: " ")) failed: \(message)")
        }
    }

    /// A veth pair named for this process and `tag` (suites run side by side), up, removed when
    /// `body` ends.
    static func withVethPair(tag: String, _ body: (String, String) throws -> Void) throws {
        let a = "ftv\(getpid() % 100_000)\(tag)a"
        let b = "ftv\(getpid() % 100_000)\(tag)b"
        try ip("link", "add", a, "type", "veth", "peer", "name", b)
        defer { try? ip("link", "del", a) }
        try ip("link", "set", a, "up")
        try ip("link", "set", b, "up")
        try body(a, b)
    }

    /// Polls `link` up to `milliseconds` and returns the frames that came.
    static func frames(on link: PcapLink, milliseconds: Int32 = 300) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var descriptor = pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + .milliseconds(Int(milliseconds))
        while ContinuousClock.now < deadline {
            _ = poll(&descriptor, 1, 50)
            try link.receive { frames.append($0) }
        }
        return frames
    }

    /// An Ethernet frame from `source` to broadcast with `type` and `payload`, padded to 60 bytes.
    static func frame(from source: [UInt8], type: [UInt8], payload: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xFF, count: 6) + source + type + payload
        if bytes.count < 60 { bytes += [UInt8](repeating: 0, count: 60 - bytes.count) }
        return bytes
    }

    /// A PADI's PPPoE header and an empty Service-Name tag.
    static let padi: [UInt8] = [0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00]

    @Test("PPPoE frames (plain and 802.1Q-tagged) pass the filter; other frames and our own do not")
    func pcapFilterAndDirection() throws {
        try Self.withVethPair(tag: "f") { a, b in
            let sender = try PcapLink(interface: a)
            let receiver = try PcapLink(interface: b)
            #expect(sender.macAddress.count == 6 && sender.macAddress != receiver.macAddress)
            let discovery = Self.frame(from: sender.macAddress, type: [0x88, 0x63], payload: Self.padi)
            let tagged = Self.frame(
                from: sender.macAddress, type: [0x81, 0x00], payload: [0x00, 0x64, 0x88, 0x63] + Self.padi)
            let other = Self.frame(from: sender.macAddress, type: [0x88, 0xB5], payload: [1, 2, 3, 4])
            // A PPPoE session frame to another client on the link: not ours to wake up for.
            var elsewhere = Self.frame(
                from: sender.macAddress, type: [0x88, 0x64], payload: [0x11, 0, 0, 7, 0, 2, 0xC0, 0x21])
            elsewhere.replaceSubrange(0..<6, with: [0x02, 0, 0, 0, 0, 0x99])
            var toUs = elsewhere
            toUs.replaceSubrange(0..<6, with: receiver.macAddress)
            try sender.send(other)
            try sender.send(elsewhere)
            try sender.send(toUs)
            try sender.send(discovery)
            try sender.send(tagged)
            let received = try Self.frames(on: receiver)
            #expect(received.contains(discovery), "the plain PADI arrives as sent: \(received)")
            #expect(received.contains(tagged), "the VLAN 100 PADI arrives with its tag: \(received)")
            #expect(!received.contains(other), "a frame of another ethertype is filtered out")
            #expect(received.contains(toUs), "a session frame to our address arrives")
            #expect(!received.contains(elsewhere), "a session frame to another address is filtered out")
            #expect(received.count == 3)
            #expect(try Self.frames(on: sender, milliseconds: 100).isEmpty, "our own frames never come back")
        }
    }

    @Test("An interface that does not exist is a clear error")
    func missingInterface() {
        #expect {
            _ = try PcapLink(interface: "nosuch-ftth0")
        } throws: { error in
            let error = error as? PPPoELinkError
            return error?.code == .interface && error?.description.contains("nosuch-ftth0") == true
        }
    }

    @Test("A TUN device gets address, peer and MTU, and carries IPv4 both ways")
    func tunBothWays() throws {
        let tun = try TunDevice(name: "ftthtest%d")
        defer { tun.close() }
        #expect(tun.name.hasPrefix("ftthtest"))
        let local: [UInt8] = [10, 211, 0, 1]
        let peer: [UInt8] = [10, 211, 0, 2]
        try tun.configure(local: local, peer: peer, mtu: 1400)

        // Kernel → TUN: a datagram to the peer is routed into the device.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(socket) }
        var bound = sockaddr_in()
        bound.sin_family = sa_family_t(AF_INET)
        bound.sin_addr.s_addr = inet_addr("10.211.0.1")
        bound.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr("10.211.0.2")
        target.sin_port = UInt16(9).bigEndian
        let message = Array("probe".utf8)
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(socket, message, message.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var packet: [UInt8]?
        var descriptor = pollfd(fd: tun.fileDescriptor, events: Int16(POLLIN), revents: 0)
        for _ in 0..<20 where packet == nil {
            _ = poll(&descriptor, 1, 50)
            // Skip what the kernel may send on its own (IPv6 router solicitations and the like).
            while let count = try tun.read(into: &buffer) {
                let bytes = Array(buffer[0..<count])
                if bytes.count >= 28, bytes[0] >> 4 == 4, bytes[9] == 17, Array(bytes[16..<20]) == peer {
                    packet = bytes
                }
            }
        }
        let sent = try #require(packet, "the datagram to the peer came out of the TUN device")
        #expect(Array(sent[12..<16]) == local)
        #expect(Array(sent[28...]) == message)

        // TUN → kernel: the peer's answer written into the device reaches the socket.
        let port = UInt16(bigEndian: bound.sin_port)
        let reply = Self.udpPacket(
            from: peer, to: local, sourcePort: 9, destinationPort: port, payload: Array("pong".utf8))
        try tun.write(reply)
        var answer = [UInt8](repeating: 0, count: 64)
        var socketDescriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        _ = poll(&socketDescriptor, 1, 1000)
        let count = recv(socket, &answer, answer.count, Int32(MSG_DONTWAIT))
        #expect(count == 4 && Array(answer[0..<4]) == Array("pong".utf8))
    }

    /// An IPv4/UDP packet with a correct header checksum (UDP checksum 0: none, allowed in IPv4).
    static func udpPacket(
        from source: [UInt8], to destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8]
    ) -> [UInt8] {
        let total = 20 + 8 + payload.count
        var header: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0x40, 0, 64, 17, 0, 0]
        header += source + destination
        var sum: UInt32 = 0
        for index in stride(from: 0, to: 20, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        let udpLength = 8 + payload.count
        let udp: [UInt8] = [
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8),
            UInt8(destinationPort & 0xFF), UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0,
        ]
        return header + udp + payload
    }
}

struct LinkTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
