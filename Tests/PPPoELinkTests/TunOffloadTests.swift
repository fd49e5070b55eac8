import PPPoELink
import Testing

/// The TUN device's offloads done in user space: a 64 KiB TCP segment cut into the session's
/// segments, partial checksums completed. Pure bytes, no device.
@Suite("TUN offloads in user space")
struct TunOffloadTests {
    static let source: [UInt8] = [10, 67, 0, 10]
    static let destination: [UInt8] = [10, 67, 0, 1]

    /// An IPv4 TCP packet with a 12-byte option block (timestamps) and `payload`; checksums left 0.
    static func tcpPacket(
        payload: [UInt8], flags: UInt8, sequence: UInt32 = 0xFFFF_FF00, id: UInt16 = 0xFFFE,
        acknowledging: UInt32 = 0x1000
    ) -> [UInt8] {
        let headers = 20 + 32
        var p = [UInt8](repeating: 0, count: headers)
        p[0] = 0x45
        p[2] = UInt8((headers + payload.count) >> 8 & 0xFF)
        p[3] = UInt8((headers + payload.count) & 0xFF)
        p[4] = UInt8(id >> 8)
        p[5] = UInt8(id & 0xFF)
        p[6] = 0x40  // DF
        p[8] = 64
        p[9] = 6
        p[12..<16] = source[...]
        p[16..<20] = destination[...]
        p[20] = 0x9C  // port 40000
        p[21] = 0x40
        p[22] = 0x14  // port 5201
        p[23] = 0x51
        for (index, shift) in [24, 16, 8, 0].enumerated() { p[24 + index] = UInt8(sequence >> UInt32(shift) & 0xFF) }
        for (index, shift) in [24, 16, 8, 0].enumerated() {
            p[28 + index] = UInt8(acknowledging >> UInt32(shift) & 0xFF)
        }
        p[32] = 8 << 4  // 32-byte TCP header
        p[33] = flags
        p[34] = 0x01  // window
        p[35] = 0xF5
        p[40..<52] = [1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9]  // NOP NOP timestamps
        return p + payload
    }

    /// The virtio-net header: flags, GSO type, header length, segment size, checksum start, offset.
    static func header(flags: UInt8 = 0, gso: UInt8 = 0, segment: Int = 0, start: Int = 0, offset: Int = 0)
        -> [UInt8]
    {
        func le(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        return [flags, gso] + le(52) + le(segment) + le(start) + le(offset)
    }

    /// One's complement sum of the 16-bit words of `bytes`, folded.
    static func sum(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt16 {
        var total = initial
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            total += UInt32(high) << 8 | UInt32(iterator.next() ?? 0)
        }
        while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
        return UInt16(total)
    }

    /// Whether the IP header checksum and the TCP (or UDP) checksum of `packet` are right.
    static func checksumsHold(_ packet: [UInt8]) -> Bool {
        let ipHeader = Int(packet[0] & 0x0F) * 4
        guard sum(packet[0..<ipHeader]) == 0xFFFF else { return false }
        let pseudo = UInt32(sum(packet[12..<20])) + UInt32(packet[9]) + UInt32(packet.count - ipHeader)
        return sum(packet[ipHeader...], initial: pseudo) == 0xFFFF
    }

    static func word(_ packet: [UInt8], _ index: Int) -> Int { Int(packet[index]) << 8 | Int(packet[index + 1]) }

    @Test func aLargeSegmentIsCutAtTheSegmentSizeWithHeadersAndChecksumsForEach() {
        let payload = (0..<3000).map { UInt8($0 % 251) }
        // FIN, PSH, ACK and CWR: FIN and PSH belong to the last piece, CWR to the first.
        let big = Self.tcpPacket(payload: payload, flags: 0x01 | 0x08 | 0x10 | 0x80)
        var segments: [[UInt8]] = []
        let count = TunOffload.packets(
            from: (Self.header(flags: 1, gso: 1, segment: 1400, start: 20, offset: 16) + big)[...]
        ) {
            segments.append($0)
        }
        #expect(count == 3)
        #expect(segments.map(\.count) == [52 + 1400, 52 + 1400, 52 + 200])
        #expect(segments.map { Self.word($0, 2) } == [1452, 1452, 252])
        // The IP id counts up from the original's and wraps.
        #expect(segments.map { Self.word($0, 4) } == [0xFFFE, 0xFFFF, 0])
        // Sequence numbers advance by the payload before each piece, across the 2^32 wrap.
        let sequences = segments.map { UInt32(Self.word($0, 24)) << 16 | UInt32(Self.word($0, 26)) }
        #expect(sequences == [0xFFFF_FF00, 0xFFFF_FF00 &+ 1400, 0xFFFF_FF00 &+ 2800])
        #expect(segments.map { $0[33] } == [0x10 | 0x80, 0x10, 0x10 | 0x08 | 0x01])
        #expect(segments.allSatisfy(Self.checksumsHold))
        #expect(segments.flatMap { $0[52...] } == payload)
        // Options and the rest of the headers are copied as they were.
        #expect(segments.allSatisfy { Array($0[40..<52]) == Array(big[40..<52]) && $0[8] == 64 && $0[6] == 0x40 })
    }

    @Test func aSegmentThatFitsComesOutWhole() {
        let packet = Self.tcpPacket(payload: [1, 2, 3], flags: 0x18)
        var segments: [[UInt8]] = []
        TunOffload.packets(from: (Self.header(gso: 1, segment: 1400) + packet)[...]) { segments.append($0) }
        #expect(segments.count == 1)
        #expect(segments.first.map(Self.checksumsHold) == true)
        #expect(segments.first?.count == packet.count)
    }

    @Test func aPartialChecksumIsCompleted() {
        var packet = Self.tcpPacket(payload: Array("odd length!".utf8), flags: 0x18)
        // What the kernel leaves with CHECKSUM_PARTIAL: the pseudo-header's sum, not inverted.
        let pseudo = UInt32(Self.sum(packet[12..<20])) + 6 + UInt32(packet.count - 20)
        let folded = Self.sum([UInt8(pseudo >> 8 & 0xFF), UInt8(pseudo & 0xFF)], initial: pseudo >> 16)
        packet[36] = UInt8(folded >> 8)
        packet[37] = UInt8(folded & 0xFF)
        packet[10...11] = [0, 0]
        let ipChecksum = ~Self.sum(packet[0..<20])
        packet[10] = UInt8(ipChecksum >> 8)
        packet[11] = UInt8(ipChecksum & 0xFF)
        var out: [[UInt8]] = []
        TunOffload.packets(from: (Self.header(flags: 1, start: 20, offset: 16) + packet)[...]) { out.append($0) }
        #expect(out.count == 1)
        #expect(out.first.map(Self.checksumsHold) == true)
    }

    @Test func aPacketWithoutOffloadPassesUntouched() {
        let packet = Self.tcpPacket(payload: [9, 9], flags: 0x10)
        var out: [[UInt8]] = []
        TunOffload.packets(from: (Self.header() + packet)[...]) { out.append($0) }
        #expect(out == [packet])
    }

    @Test func readsItCannotCarryGiveNothing() {
        var out: [[UInt8]] = []
        // Shorter than the header; an offload never asked for (UDP fragmentation); a GSO packet
        // that is not TCP; a partial checksum pointing past the end.
        TunOffload.packets(from: [1, 2, 3][...]) { out.append($0) }
        TunOffload.packets(from: (Self.header(gso: 3, segment: 1400) + Self.tcpPacket(payload: [1], flags: 0x10))[...])
        {
            out.append($0)
        }
        var udp = Self.tcpPacket(payload: [1], flags: 0x10)
        udp[9] = 17
        TunOffload.packets(from: (Self.header(gso: 1, segment: 1400) + udp)[...]) { out.append($0) }
        TunOffload.packets(from: (Self.header(flags: 1, start: 50, offset: 16) + udp)[...]) { out.append($0) }
        #expect(out.isEmpty)
    }

    /// A TCP segment as it arrives from the session: checksums right, `payload` bytes.
    static func arriving(
        sequence: UInt32, payload: Int, flags: UInt8 = 0x10, id: UInt16 = 1, acknowledging: UInt32 = 0x1000
    ) -> [UInt8] {
        var packet = tcpPacket(
            payload: (0..<payload).map { UInt8(truncatingIfNeeded: Int(sequence) + $0) }, flags: flags,
            sequence: sequence, id: id, acknowledging: acknowledging)
        packet.swapAt(12, 16)  // from the peer
        packet.swapAt(13, 17)
        packet.swapAt(14, 18)
        packet.swapAt(15, 19)
        let ip = ~sum(packet[0..<20])
        packet[10] = UInt8(ip >> 8)
        packet[11] = UInt8(ip & 0xFF)
        let pseudo = UInt32(sum(packet[12..<20])) + 6 + UInt32(packet.count - 20)
        let tcp = ~sum(packet[20...], initial: pseudo)
        packet[36] = UInt8(tcp >> 8)
        packet[37] = UInt8(tcp & 0xFF)
        return packet
    }

    @Test func inOrderSegmentsOfOneConnectionAreWrittenAsOne() {
        let first = Self.arriving(sequence: 1000, payload: 1400, id: 7)
        let second = Self.arriving(sequence: 2400, payload: 1400, id: 8)
        let last = Self.arriving(sequence: 3800, payload: 300, flags: 0x18, id: 9)
        let writes = TunOffload.coalesce([first, second, last])
        #expect(writes.count == 1)
        guard let write = writes.first else { return }
        // NEEDS_CSUM, GSO TCPv4, 52 bytes of headers, 1400 per segment, checksum at 20 + 16.
        #expect(write.header == [1, 1, 52, 0, 0x78, 0x05, 20, 0, 16, 0])
        #expect(write.packet.count == 52 + 3100)
        #expect(Self.word(write.packet, 2) == 52 + 3100)
        #expect(Self.sum(write.packet[0..<20]) == 0xFFFF, "the IP header checksum is made anew")
        #expect(Array(write.packet[52...]) == Array(first[52...] + second[52...] + last[52...]))
        #expect(write.packet[33] == 0x18, "the last segment's PSH is kept")
        #expect(Self.word(write.packet, 24) << 16 | Self.word(write.packet, 26) == 1000)
        // The TCP checksum field holds the pseudo-header's sum for the kernel (CHECKSUM_PARTIAL).
        let pseudo = UInt32(Self.sum(write.packet[12..<20])) + 6 + UInt32(3152 - 20)
        #expect(Self.word(write.packet, 36) == Int(Self.sum([], initial: pseudo)))
    }

    @Test func segmentsThatDoNotContinueTheMergeStartAnother() {
        let a = Self.arriving(sequence: 0, payload: 1000)
        let b = Self.arriving(sequence: 1000, payload: 1000)
        let gap = Self.arriving(sequence: 5000, payload: 1000)  // a lost segment before it
        let pushed = Self.arriving(sequence: 6000, payload: 1000, flags: 0x18)
        let after = Self.arriving(sequence: 7000, payload: 1000)  // PSH ended the merge
        var udp = Self.arriving(sequence: 8000, payload: 10)
        udp[9] = 17
        let writes = TunOffload.coalesce([a, b, gap, pushed, after, udp])
        #expect(writes.map(\.packet.count) == [2052, 2052, 1052, udp.count])
        #expect(writes.map { $0.header[1] } == [1, 1, 0, 0])
        #expect(writes[2].header[0] == 2, "a lone segment goes as it came, its checksum checked")
        #expect(writes[3] == TunOffload.Write(header: [UInt8](repeating: 0, count: 10), packet: udp))
    }

    @Test func aSegmentWithAWrongChecksumIsNeverMerged() {
        let a = Self.arriving(sequence: 0, payload: 1000)
        var broken = Self.arriving(sequence: 1000, payload: 1000)
        broken[500] ^= 0xFF
        let writes = TunOffload.coalesce([a, broken])
        #expect(writes.map(\.packet) == [a, broken])
        #expect(writes.map { $0.header[0] } == [2, 0], "the broken one is left for the kernel to drop")
    }

    /// A pure ACK from the peer acknowledging `number` (timestamps option, no payload).
    static func acknowledgement(_ number: UInt32, id: UInt16 = 1) -> [UInt8] {
        arriving(sequence: 500, payload: 0, id: id, acknowledging: number)
    }

    @Test func aLaterPureAckOfTheSameConnectionSupersedesAnEarlierOne() {
        let first = Self.acknowledgement(10_000, id: 1)
        let data = Self.arriving(sequence: 500, payload: 100)
        let second = Self.acknowledgement(12_896, id: 2)
        // Across the 2^32 wrap: 0x10 comes after 0xFFFF_FFF0.
        let third = Self.acknowledgement(0xFFFF_FFF0, id: 3)
        let fourth = Self.acknowledgement(0x10, id: 4)
        #expect(TunOffload.thinAcknowledgements([first, data, second]) == [data, second])
        #expect(TunOffload.thinAcknowledgements([third, fourth]) == [fourth])
        #expect(TunOffload.coalesce([first, second]).map(\.packet) == [second])
    }

    @Test func duplicateAcksSackBlocksOtherConnectionsAndBrokenAcksAllPass() {
        let ack = Self.acknowledgement(10_000)
        let duplicate = Self.acknowledgement(10_000, id: 2)
        #expect(TunOffload.thinAcknowledgements([ack, duplicate]) == [ack, duplicate], "a sign of loss")
        // A SACK block (kind 5) where the timestamps were: loss recovery needs every one.
        var sack = Self.acknowledgement(12_000)
        sack[40..<52] = [1, 1, 5, 10, 0, 0, 0x30, 0, 0, 0, 0x40, 0]
        let older = Self.acknowledgement(11_000)
        #expect(TunOffload.thinAcknowledgements([older, Self.fixChecksums(sack)]).count == 2)
        // Another connection (another source port).
        var other = Self.acknowledgement(13_000)
        other[20] = 0x9D
        #expect(TunOffload.thinAcknowledgements([older, Self.fixChecksums(other)]).count == 2)
        // A later ACK with a wrong checksum never replaces a good one.
        var broken = Self.acknowledgement(14_000)
        broken[30] ^= 1
        #expect(TunOffload.thinAcknowledgements([older, broken]) == [older, broken])
    }

    /// `packet` with its IP and TCP checksums made anew.
    static func fixChecksums(_ packet: [UInt8]) -> [UInt8] {
        var packet = packet
        packet[10...11] = [0, 0]
        packet[36...37] = [0, 0]
        let ip = ~sum(packet[0..<20])
        packet[10] = UInt8(ip >> 8)
        packet[11] = UInt8(ip & 0xFF)
        let pseudo = UInt32(sum(packet[12..<20])) + 6 + UInt32(packet.count - 20)
        let tcp = ~sum(packet[20...], initial: pseudo)
        packet[36] = UInt8(tcp >> 8)
        packet[37] = UInt8(tcp & 0xFF)
        return packet
    }
}
