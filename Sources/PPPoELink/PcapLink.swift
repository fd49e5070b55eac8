import CPcap
import CTun

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One Ethernet interface opened through libpcap for PPPoE: discovery and session frames (also
/// 802.1Q-tagged) coming in, whole frames going out with `pcap_inject`.
///
/// Reads never block: the handle is non-blocking and a caller polls `selectableDescriptor`
/// (with immediate mode libpcap ignores its own read timeout, so a blocking read could otherwise
/// wait forever). Only the incoming direction is captured, so our own frames never come back,
/// and only frames to our address or to everyone, so the sessions of other PPPoE clients on the
/// same link (another probe, a router, a kernel pppd) cost no wake-up.
/// Not thread-safe: one loop owns it.
public final class PcapLink {
    /// The interface's name, as given.
    public let interface: String
    /// The interface's Ethernet address: the source of our frames.
    public let macAddress: [UInt8]
    /// The descriptor to poll for readability; then call `receive`.
    public let selectableDescriptor: Int32
    private var handle: OpaquePointer?

    /// PPPoE discovery (0x8863) and session (0x8864) frames, untagged or behind one 802.1Q tag.
    /// `ether proto` keeps the offsets; `vlan` shifts them only for what follows it.
    public static let filter =
        "ether proto 0x8863 or ether proto 0x8864 or (vlan and (ether proto 0x8863 or ether proto 0x8864))"

    /// `filter` for frames to `mac` or broadcast only; nil (a measuring tap) keeps every frame.
    /// `ether dst` comes first: it reads the fixed destination field before `vlan` shifts offsets.
    public static func filter(to mac: [UInt8]?) -> String {
        guard let mac, mac.count == 6 else { return filter }
        let address = mac.map { String($0, radix: 16) }.joined(separator: ":")
        return "(ether dst \(address) or ether broadcast) and (\(filter))"
    }

    /// Opens `interface` for PPPoE frames. Throws `PPPoELinkError` (.pcapOpen, .pcapFilter,
    /// .interface) naming the interface and what to check (its name, root or CAP_NET_RAW).
    /// `outgoing` also captures the frames this host sends and those to other addresses (a
    /// measuring tap, not a client).
    public init(interface: String, snapshotLength: Int32 = 2048, outgoing: Bool = false) throws(PPPoELinkError) {
        self.interface = interface
        var mac = [UInt8](repeating: 0, count: 6)
        let macStatus = ftth_if_hwaddr(interface, &mac)
        guard macStatus == 0 else {
            throw PPPoELinkError(
                .interface,
                "cannot read the Ethernet address of interface \(interface): \(errnoText(macStatus)); "
                    + "check the name with `ip link`")
        }
        macAddress = mac

        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw PPPoELinkError(
                .pcapOpen, "libpcap cannot open \(interface): \(Self.cText(errorBuffer))")
        }
        func fail(_ what: String, _ code: PPPoELinkError.Code = .pcapOpen) -> PPPoELinkError {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            return PPPoELinkError(
                code,
                "libpcap on \(interface): \(what) failed: \(message); the probe needs root or "
                    + "CAP_NET_RAW and CAP_NET_ADMIN, and the interface must exist and be up")
        }
        pcap_set_snaplen(handle, snapshotLength)
        pcap_set_promisc(handle, 0)
        pcap_set_immediate_mode(handle, 1)
        let activated = pcap_activate(handle)
        guard activated >= 0 else { throw fail("activating the capture (status \(activated))") }
        guard pcap_setdirection(handle, outgoing ? PCAP_D_INOUT : PCAP_D_IN) == 0 else {
            throw fail("choosing the capture direction")
        }
        guard pcap_setnonblock(handle, 1, &errorBuffer) == 0 else { throw fail("non-blocking mode") }

        var program = bpf_program()
        let filter = Self.filter(to: outgoing ? nil : mac)
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw fail("compiling the filter `\(filter)`", .pcapFilter)
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else { throw fail("installing the PPPoE filter", .pcapFilter) }

        let descriptor = pcap_get_selectable_fd(handle)
        guard descriptor >= 0 else { throw fail("getting a descriptor to poll") }
        selectableDescriptor = descriptor
        self.handle = handle
    }

    deinit { close() }

    /// Puts one whole Ethernet frame on the wire. Throws `.pcapIO` when the interface refuses it.
    public func send(_ frame: [UInt8]) throws(PPPoELinkError) {
        guard let handle else { throw PPPoELinkError(.pcapIO, "\(interface): sending on a closed link") }
        let sent = frame.withUnsafeBytes { pcap_inject(handle, $0.baseAddress, $0.count) }
        guard sent == frame.count else {
            throw PPPoELinkError(
                .pcapIO,
                "\(interface): sending a \(frame.count)-byte frame failed: \(String(cString: pcap_geterr(handle))); "
                    + "check the interface is up (`ip link set \(interface) up`) and its cable")
        }
    }

    /// Frames queued by `enqueue`, sent by the next `flush`.
    private var pending: [[UInt8]] = []

    /// Queues one whole Ethernet frame for the next `flush`, which sends all queued frames with
    /// one system call: a loop that gathers every frame of one wake-up pays one call, not one
    /// per frame (in a virtual machine that traps system calls, the cost that matters).
    public func enqueue(_ frame: [UInt8]) {
        pending.append(frame)
    }

    /// Sends the frames queued by `enqueue`, in order, with sendmmsg(2) on the capture's packet
    /// socket (bound to the interface, as `pcap_inject` uses it). The queue is emptied even when
    /// the interface refuses frames (they are dropped, as a link would); throws `.pcapIO` then.
    public func flush() throws(PPPoELinkError) {
        guard !pending.isEmpty else { return }
        let frames = pending
        pending.removeAll(keepingCapacity: true)
        guard let handle else { throw PPPoELinkError(.pcapIO, "\(interface): sending on a closed link") }
        let descriptor = pcap_fileno(handle)
        var start = 0
        while start < frames.count {
            let end = min(frames.count, start + Int(FTTH_SEND_BATCH_MAX))
            let status = Self.sendBatch(descriptor, frames[start..<end])
            if status == end - start {
                start = end
                continue
            }
            let dropped = frames.count - start - max(status, 0)
            let reason = errnoText(status < 0 ? Int32(status) : -errno)
            throw PPPoELinkError(
                .pcapIO,
                "\(interface): sending \(frames.count) frames dropped \(dropped) of them: \(reason); "
                    + "check the interface is up (`ip link set \(interface) up`) and its cable")
        }
    }

    /// One `ftth_send_frames` call over `frames` (at most FTTH_SEND_BATCH_MAX of them).
    private static func sendBatch(_ descriptor: Int32, _ frames: ArraySlice<[UInt8]>) -> Int {
        var pointers: [UnsafePointer<UInt8>?] = []
        var lengths: [UInt32] = []
        pointers.reserveCapacity(frames.count)
        lengths.reserveCapacity(frames.count)
        // The arrays' storage stays alive (and unmoved) while `frames` holds them; the pointers
        // are only used during the call below.
        func collect(_ index: ArraySlice<[UInt8]>.Index) -> Int {
            if index == frames.endIndex {
                return Int(ftth_send_frames(descriptor, pointers, lengths, Int32(pointers.count)))
            }
            return frames[index].withUnsafeBufferPointer { buffer in
                pointers.append(buffer.baseAddress)
                lengths.append(UInt32(buffer.count))
                return collect(frames.index(after: index))
            }
        }
        return collect(frames.startIndex)
    }

    /// Hands every frame waiting now to `body`, at most `limit` of them, and returns how many.
    /// Never blocks. Throws `.pcapIO` when the capture fails (the interface went away).
    @discardableResult
    public func receive(limit: Int = 64, _ body: ([UInt8]) -> Void) throws(PPPoELinkError) -> Int {
        try receiveTimestamped(limit: limit) { frame, _ in body(frame) }
    }

    /// As `receive`, with each frame's capture time (the kernel's, seconds since 1970).
    ///
    /// One `pcap_dispatch`: with frames waiting in libpcap's ring it hands them over without a
    /// system call; only an empty ring costs one (a poll with no timeout), so a caller should
    /// call this once per wake-up of its own poll, not until it returns 0.
    @discardableResult
    public func receiveTimestamped(limit: Int = 64, _ body: ([UInt8], Double) -> Void) throws(PPPoELinkError) -> Int {
        guard let handle else { return 0 }
        typealias Sink = ([UInt8], Double) -> Void
        let status = withoutActuallyEscaping(body) { body in
            var sink: Sink = body
            return withUnsafeMutablePointer(to: &sink) { sinkPointer in
                pcap_dispatch(
                    handle, Int32(clamping: limit),
                    { user, header, data in
                        guard let user, let header, let data else { return }
                        let sink = UnsafeMutableRawPointer(user).assumingMemoryBound(to: Sink.self).pointee
                        let time = header.pointee.ts
                        sink(
                            Array(UnsafeBufferPointer(start: data, count: Int(header.pointee.caplen))),
                            Double(time.tv_sec) + Double(time.tv_usec) / 1e6)
                    },
                    UnsafeMutableRawPointer(sinkPointer).assumingMemoryBound(to: UInt8.self))
            }
        }
        guard status >= 0 else {
            throw PPPoELinkError(
                .pcapIO,
                "\(interface): reading frames failed: \(String(cString: pcap_geterr(handle))); "
                    + "was the interface removed or set down?")
        }
        return Int(status)
    }

    /// The interface's MTU, for the largest PPPoE payload it can carry (MTU − 8).
    public func mtu() -> Int? {
        var value: Int32 = 0
        return ftth_if_get_mtu(interface, &value) == 0 ? Int(value) : nil
    }

    /// A C string in a buffer, up to its terminating zero.
    private static func cText(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Releases the capture; later sends fail and receives return nothing.
    public func close() {
        if let handle { pcap_close(handle) }
        handle = nil
    }
}
