import CTun
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A Linux TUN interface carrying the dialled session's IPv4 packets, so that ordinary sockets
/// and tools (iperf3, curl) run over the session: packets the kernel routes into it are read
/// here and sent into the session; packets from the session are written here.
///
/// The descriptor is non-blocking; a caller polls `fileDescriptor`. The interface disappears when
/// the descriptor is closed. Not thread-safe: one loop owns it.
public final class TunDevice {
    /// The interface's name as the kernel gave it (`ftth0` for the pattern `ftth%d`).
    public let name: String
    /// The descriptor to poll, read and write.
    public private(set) var fileDescriptor: Int32
    /// Whether the device has the virtio-net header and the checksum and TCPv4 segmentation
    /// offloads (`TunOffload`): every read and write then carries the header first.
    public let offloads: Bool

    /// Creates the TUN interface `name` (a `%d` pattern lets the kernel number it). With
    /// `offload`, asks for the virtio-net header and the checksum and TCPv4 segmentation offloads
    /// (see `offloads`), and goes without them when the kernel refuses. Throws `.tun` when
    /// /dev/net/tun is missing or the probe lacks CAP_NET_ADMIN.
    public init(name: String = "ftth%d", offload: Bool = false) throws(PPPoELinkError) {
        var actual = [CChar](repeating: 0, count: Int(FTTH_IFNAMSIZ))
        var descriptor: Int32 = -1
        if offload { descriptor = ftth_tun_open_offload(name, &actual) }
        offloads = descriptor >= 0
        if descriptor < 0 { descriptor = ftth_tun_open(name, &actual) }
        guard descriptor >= 0 else {
            throw PPPoELinkError(
                .tun,
                "cannot create the TUN interface \(name): \(errnoText(descriptor)); the probe needs "
                    + "/dev/net/tun (modprobe tun) and root or CAP_NET_ADMIN")
        }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        fileDescriptor = descriptor
        self.name = String(decoding: actual.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { close() }

    /// Gives the interface the session's addresses (`local` ↔ `peer`, /32), its MTU (the
    /// negotiated MRU) and sets it up. Throws `.tun` naming the step that failed.
    public func configure(local: [UInt8], peer: [UInt8], mtu: Int) throws(PPPoELinkError) {
        precondition(local.count == 4 && peer.count == 4, "IPv4 addresses are 4 bytes")
        func networkOrder(_ bytes: [UInt8]) -> UInt32 {
            // The bytes are already in network order; load them as they lie in memory.
            bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        }
        let steps: [(String, () -> Int32)] = [
            (
                "setting address \(Self.dotted(local)) peer \(Self.dotted(peer))",
                {
                    ftth_if_set_ipv4(self.name, networkOrder(local), networkOrder(peer))
                }
            ),
            ("setting MTU \(mtu)", { ftth_if_set_mtu(self.name, Int32(mtu)) }),
            ("setting it up", { ftth_if_set_up(self.name) }),
        ]
        for (what, step) in steps {
            let status = step()
            guard status == 0 else {
                throw PPPoELinkError(.tun, "TUN interface \(name): \(what) failed: \(errnoText(status))")
            }
        }
    }

    /// Adds a route to `destination` (CIDR, or `default`) through this interface with `ip route`.
    /// Throws `.route` with ip's own message.
    public func addRoute(_ destination: String) throws(PPPoELinkError) {
        try Self.ip(["route", "replace", destination, "dev", name], code: .route, what: "add route \(destination)")
    }

    /// Runs `/usr/sbin/ip ARGUMENTS`; throws `code` with ip's own message (and `hint`) when it fails.
    static func ip(_ arguments: [String], code: PPPoELinkError.Code, what: String, hint: String = "")
        throws(PPPoELinkError)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PPPoELinkError(code, "cannot run /usr/sbin/ip to \(what): \(error); install iproute2")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw PPPoELinkError(
                code,
                "ip \(arguments.joined(separator: " ")) failed: "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines) + hint)
        }
    }

    /// Reads one packet into `buffer` (sized to hold the MTU, or 64 KiB and the header with
    /// `offloads`) and returns its length, or nil when none is waiting. With `offloads` the
    /// buffer starts with the virtio-net header: `readPackets` takes care of it. Throws `.tun`
    /// when the device fails.
    public func read(into buffer: inout [UInt8]) throws(PPPoELinkError) -> Int? {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
        if count >= 0 { return count }
        let error = errno
        if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return nil }
        throw PPPoELinkError(.tun, "reading from TUN interface \(name) failed: \(errnoText(-error))")
    }

    /// Reads what one packet from the kernel carries (see `read`) and hands `body` its IPv4
    /// packets: one, or with `offloads` the segments of a large TCP segment, checksums complete.
    /// Returns false when nothing was waiting. Throws `.tun` when the device fails.
    public func readPackets(into buffer: inout [UInt8], _ body: ([UInt8]) -> Void) throws(PPPoELinkError) -> Bool {
        guard let count = try read(into: &buffer) else { return false }
        if offloads {
            TunOffload.packets(from: buffer[0..<count], body)
        } else {
            body(Array(buffer[0..<count]))
        }
        return true
    }

    /// The largest read `readPackets` may need: a 64 KiB segment and the virtio-net header.
    public static let largestRead = 65_536 + TunOffload.headerLength

    /// Packets queued by `enqueue`, written by the next `flush`.
    private var pending: [[UInt8]] = []

    /// Queues one IPv4 packet for the next `flush`.
    public func enqueue(_ packet: [UInt8]) {
        pending.append(packet)
    }

    /// Writes the packets queued by `enqueue`, in order. With `offloads` consecutive segments of
    /// one TCP connection go in as one (`TunOffload.coalesce`): one system call for a batch of
    /// them. The queue is emptied either way; throws `.tun` (and drops the rest) when the device
    /// fails.
    public func flush() throws(PPPoELinkError) {
        guard !pending.isEmpty else { return }
        let packets = pending
        pending.removeAll(keepingCapacity: true)
        guard offloads else {
            for packet in packets { try write(packet) }
            return
        }
        for write in TunOffload.coalesce(packets) {
            try self.write(write.packet, header: write.header)
        }
    }

    /// Writes one IPv4 packet into the kernel. A full queue drops the packet, as a link would.
    public func write(_ packet: [UInt8]) throws(PPPoELinkError) {
        try write(packet, header: TunOffload.plainHeader)
    }

    /// Writes `packet`, with the virtio-net `header` before it when the device has `offloads`. A
    /// full queue drops the packet, as a link would.
    private func write(_ packet: [UInt8], header: [UInt8]) throws(PPPoELinkError) {
        let error: Int32
        if offloads {
            let status = packet.withUnsafeBufferPointer {
                ftth_tun_write_vnet(fileDescriptor, header, $0.baseAddress, UInt32($0.count))
            }
            if status >= 0 { return }
            error = Int32(-status)
        } else {
            let count = packet.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return }
            error = errno
        }
        if error == EAGAIN || error == EWOULDBLOCK || error == EINTR || error == ENOBUFS { return }
        throw PPPoELinkError(.tun, "writing to TUN interface \(name) failed: \(errnoText(-error))")
    }

    /// Closes the descriptor, which removes the interface and its routes.
    public func close() {
        if fileDescriptor >= 0 { _ = Glibc.close(fileDescriptor) }
        fileDescriptor = -1
    }

    /// "10.67.0.10" for [10, 67, 0, 10].
    public static func dotted(_ address: [UInt8]) -> String {
        address.map(String.init).joined(separator: ".")
    }
}
