/// The offloads of a TUN device opened with a virtio-net header (`TunDevice(offload: true)`),
/// done in user space: what the kernel leaves to "the hardware" is done here before the
/// packets go into the session.
///
/// With the checksum and TCPv4 segmentation offloads the kernel hands over a TCP segment of up
/// to 64 KiB in one read instead of up to 45 packets of the session's MTU, one system call
/// each: in a virtual machine that traps system calls, the probe's main cost per packet. The
/// price is cutting the segment here and computing the checksums the kernel left undone.
///
/// Pure functions over bytes; the header is `struct virtio_net_hdr` in the host's byte order
/// (little-endian on every machine the probe runs on).
public enum TunOffload {
    /// Bytes of the virtio-net header before every packet read from or written to the device.
    public static let headerLength = 10

    /// `VIRTIO_NET_HDR_F_NEEDS_CSUM`: the checksum at `csum_start + csum_offset` holds only the
    /// pseudo-header's sum.
    static let needsChecksum: UInt8 = 1
    /// `VIRTIO_NET_HDR_GSO_NONE`, `VIRTIO_NET_HDR_GSO_TCPV4` and the ECN bit.
    static let gsoNone: UInt8 = 0
    static let gsoTCPv4: UInt8 = 1
    static let gsoECN: UInt8 = 0x80

    /// TCP flags a segmentation keeps only on the last segment (FIN, PSH) or the first (CWR).
    static let finOrPush: UInt8 = 0x01 | 0x08
    static let congestionWindowReduced: UInt8 = 0x80

    /// Hands `body` the IPv4 packets that one read of the device (`read`: the header, then the
    /// packet) carries, with complete checksums: a TCPv4 segment larger than the MTU is cut into
    /// segments of the header's `gso_size` bytes of payload (sequence numbers, IP ids, flags and
    /// both checksums made for each, as a network card's TSO does); a packet with a partial
    /// checksum gets it completed. Returns how many packets `body` got: none for a read it
    /// cannot carry (shorter than the header, malformed, an offload the device was not given).
    @discardableResult
    public static func packets(from read: ArraySlice<UInt8>, _ body: ([UInt8]) -> Void) -> Int {
        guard read.count > headerLength else { return 0 }
        let header = read.startIndex
        let flags = read[header]
        let gsoType = read[header + 1]
        let gsoSize = Int(read[header + 4]) | Int(read[header + 5]) << 8
        let checksumStart = Int(read[header + 6]) | Int(read[header + 7]) << 8
        let checksumOffset = Int(read[header + 8]) | Int(read[header + 9]) << 8
        var packet = Array(read[(header + headerLength)...])
        switch gsoType & ~gsoECN {
        case gsoNone:
            if flags & needsChecksum != 0 {
                let field = checksumStart + checksumOffset
                guard field + 2 <= packet.count else { return 0 }
                // The field holds the pseudo-header's sum: summing over it completes the checksum.
                var checksum = ~fold(sum(packet, from: checksumStart, to: packet.count))
                if checksum == 0, packet.count >= 20, packet[9] == 17 { checksum = 0xFFFF }  // UDP: 0 means none
                store(checksum, in: &packet, at: field)
            }
            body(packet)
            return 1
        case gsoTCPv4:
            return segmentTCPv4(packet, segmentSize: gsoSize, body)
        default:
            return 0
        }
    }

    /// Cuts an IPv4 TCP segment into segments of at most `segmentSize` bytes of payload.
    static func segmentTCPv4(_ packet: [UInt8], segmentSize: Int, _ body: ([UInt8]) -> Void) -> Int {
        guard packet.count >= 40, packet[0] >> 4 == 4, packet[9] == 6, segmentSize > 0 else { return 0 }
        let ipHeader = Int(packet[0] & 0x0F) * 4
        guard ipHeader >= 20, packet.count >= ipHeader + 20 else { return 0 }
        let tcp = ipHeader
        let headers = tcp + Int(packet[tcp + 12] >> 4) * 4
        guard headers >= tcp + 20, headers <= packet.count else { return 0 }
        let identification = UInt16(packet[4]) << 8 | UInt16(packet[5])
        let sequence =
            UInt32(packet[tcp + 4]) << 24 | UInt32(packet[tcp + 5]) << 16 | UInt32(packet[tcp + 6]) << 8
            | UInt32(packet[tcp + 7])
        let tcpFlags = packet[tcp + 13]
        // Source and destination addresses and the protocol: the pseudo-header but its length.
        let addresses = sum(packet, from: 12, to: 20) + 6
        var offset = headers
        var index = 0
        repeat {
            let size = min(segmentSize, packet.count - offset)
            let length = headers + size
            var segment = [UInt8]()
            segment.reserveCapacity(length)
            segment += packet[0..<headers]
            segment += packet[offset..<(offset + size)]
            store(UInt16(length), in: &segment, at: 2)
            store(identification &+ UInt16(truncatingIfNeeded: index), in: &segment, at: 4)
            store(0, in: &segment, at: 10)
            store(~fold(sum(segment, from: 0, to: ipHeader)), in: &segment, at: 10)
            let segmentSequence = sequence &+ UInt32(truncatingIfNeeded: offset - headers)
            store(UInt16(segmentSequence >> 16), in: &segment, at: tcp + 4)
            store(UInt16(segmentSequence & 0xFFFF), in: &segment, at: tcp + 6)
            var segmentFlags = tcpFlags
            if offset + size < packet.count { segmentFlags &= ~finOrPush }
            if index > 0 { segmentFlags &= ~congestionWindowReduced }
            segment[tcp + 13] = segmentFlags
            store(0, in: &segment, at: tcp + 16)
            let tcpSum = addresses + UInt64(length - tcp) + sum(segment, from: tcp, to: length)
            store(~fold(tcpSum), in: &segment, at: tcp + 16)
            body(segment)
            index += 1
            offset += size
        } while offset < packet.count
        return index
    }

    /// Packets to write into the device, in order, each with its virtio-net header.
    public struct Write: Equatable, Sendable {
        /// The virtio-net header (`headerLength` bytes).
        public var header: [UInt8]
        /// The IPv4 packet.
        public var packet: [UInt8]

        public init(header: [UInt8], packet: [UInt8]) {
            self.header = header
            self.packet = packet
        }
    }

    /// `VIRTIO_NET_HDR_F_DATA_VALID`: the checksums were checked (here), the kernel need not.
    static let dataValid: UInt8 = 2
    /// TCP flags a segment may carry to be merged: ACK, and PSH (which ends a merge).
    static let acknowledgement: UInt8 = 0x10
    static let push: UInt8 = 0x08

    /// Merges the packets of one batch from the session, as a network card's receive offload
    /// (GRO) does, before they go into the device: consecutive in-order TCP segments of one
    /// connection, same headers but for the sequence number, become one segment of up to 64 KiB
    /// that the kernel takes in one write and treats as the segments it carries (one ACK for
    /// them, as from any card with GRO). Checks every TCP checksum on the way: a segment whose
    /// checksum is wrong is written alone, unmarked, and the kernel drops it as it always did.
    /// Packets that cannot merge (not TCP, SYN or FIN, out of order) pass in their place.
    ///
    /// Pure cumulative ACKs are thinned first (`thinAcknowledgements`).
    public static func coalesce(_ packets: [[UInt8]]) -> [Write] {
        var writes: [Write] = []
        var merge: Merge?
        for packet in thinAcknowledgements(packets) {
            guard let segment = TCPSegment(packet) else {
                if let done = merge?.write() { writes.append(done) }
                merge = nil
                writes.append(Write(header: plainHeader, packet: packet))
                continue
            }
            if merge?.absorb(segment, packet) == true { continue }
            if let done = merge?.write() { writes.append(done) }
            merge = Merge(first: segment, packet)
        }
        if let done = merge?.write() { writes.append(done) }
        return writes
    }

    /// Drops a pure ACK of the batch when a later pure ACK of the same connection in the same
    /// batch acknowledges more: the later one says all the earlier one did (a cumulative ACK and
    /// a newer window), and each ACK written costs a system call. Only plain ACKs are thinned
    /// (the ACK flag alone, no payload, options no more than NOP and timestamps, a right
    /// checksum on the one that stays): duplicate ACKs (the same number, a sign of loss) and
    /// ACKs with SACK blocks all pass, so loss recovery sees every one. Nothing changes on the
    /// wire: the far end's ACKs crossed the access network in full; the local TCP sender gets
    /// stretch ACKs, as behind any receive offload.
    public static func thinAcknowledgements(_ packets: [[UInt8]]) -> [[UInt8]] {
        var latest: [Connection: (index: Int, number: UInt32)] = [:]
        var dropped = Set<Int>()
        for (index, packet) in packets.enumerated() {
            guard let (connection, number) = pureAcknowledgement(packet) else { continue }
            if let earlier = latest[connection], Int32(bitPattern: number &- earlier.number) > 0 {
                dropped.insert(earlier.index)
            }
            latest[connection] = (index, number)
        }
        guard !dropped.isEmpty else { return packets }
        return packets.indices.filter { !dropped.contains($0) }.map { packets[$0] }
    }

    /// Addresses and ports of an IPv4 TCP packet.
    struct Connection: Hashable {
        let addresses: UInt64
        let ports: UInt32
    }

    /// The connection and acknowledgement number of a plain pure ACK (see `thinAcknowledgements`).
    static func pureAcknowledgement(_ packet: [UInt8]) -> (Connection, UInt32)? {
        guard packet.count >= 40, packet.count <= 60, packet[0] == 0x45, packet[9] == 6,
            packet[6] & 0x3F == 0, packet[7] == 0, Int(packet[2]) << 8 | Int(packet[3]) == packet.count,
            packet[33] == acknowledgement, 20 + Int(packet[32] >> 4) * 4 == packet.count
        else { return nil }
        var option = 40
        while option < packet.count {
            switch packet[option] {
            case 0: option = packet.count  // end of options
            case 1: option += 1
            case 8 where option + 10 <= packet.count && packet[option + 1] == 10: option += 10
            default: return nil
            }
        }
        let pseudo = sum(packet, from: 12, to: 20) + 6 + UInt64(packet.count - 20)
        guard fold(pseudo + sum(packet, from: 20, to: packet.count)) == 0xFFFF else { return nil }
        func word(_ index: Int) -> UInt32 {
            UInt32(packet[index]) << 24 | UInt32(packet[index + 1]) << 16 | UInt32(packet[index + 2]) << 8
                | UInt32(packet[index + 3])
        }
        return (Connection(addresses: UInt64(word(12)) << 32 | UInt64(word(16)), ports: word(20)), word(28))
    }

    /// A header that asks nothing of the kernel.
    static let plainHeader = [UInt8](repeating: 0, count: headerLength)

    /// What `coalesce` needs to know of an IPv4 TCP segment that may merge: no IP options or
    /// fragments, only ACK and PSH set, some payload, a right checksum.
    struct TCPSegment {
        let headers: Int
        let sequence: UInt32
        let payload: Int
        let push: Bool

        init?(_ packet: [UInt8]) {
            guard packet.count >= 40, packet[0] == 0x45, packet[9] == 6,
                packet[6] & 0x3F == 0, packet[7] == 0,  // neither more fragments nor an offset
                Int(packet[2]) << 8 | Int(packet[3]) == packet.count
            else { return nil }
            let flags = packet[33]
            headers = 20 + Int(packet[32] >> 4) * 4
            guard flags & ~(acknowledgement | TunOffload.push) == 0, flags & acknowledgement != 0, headers >= 40,
                headers < packet.count
            else { return nil }
            let pseudo = sum(packet, from: 12, to: 20) + 6 + UInt64(packet.count - 20)
            guard fold(pseudo + sum(packet, from: 20, to: packet.count)) == 0xFFFF else { return nil }
            sequence =
                UInt32(packet[24]) << 24 | UInt32(packet[25]) << 16 | UInt32(packet[26]) << 8 | UInt32(packet[27])
            payload = packet.count - headers
            push = flags & TunOffload.push != 0
        }
    }

    /// Segments being merged into the first one's packet.
    struct Merge {
        var packet: [UInt8]
        let headers: Int
        let segmentSize: Int
        var nextSequence: UInt32
        var segments = 1
        /// A short segment or PSH ended the merge: nothing may follow.
        var closed: Bool

        init(first: TCPSegment, _ packet: [UInt8]) {
            self.packet = packet
            headers = first.headers
            segmentSize = first.payload
            nextSequence = first.sequence &+ UInt32(first.payload)
            closed = first.push
        }

        /// Appends `segment` when it continues this merge; false when it does not.
        mutating func absorb(_ segment: TCPSegment, _ other: [UInt8]) -> Bool {
            guard !closed, segment.headers == headers, segment.sequence == nextSequence,
                segment.payload <= segmentSize, packet.count + segment.payload <= 65_535,
                sameHeaders(other)
            else { return false }
            packet += other[headers...]
            nextSequence &+= UInt32(segment.payload)
            segments += 1
            if segment.push { packet[33] |= push }
            closed = segment.push || segment.payload < segmentSize
            return true
        }

        /// The headers but for the IP length, id and checksum, the TCP sequence number and
        /// checksum and PSH: the same connection, the same acknowledgement, window and options.
        func sameHeaders(_ other: [UInt8]) -> Bool {
            packet.withUnsafeBufferPointer { mine in
                other.withUnsafeBufferPointer { theirs in
                    for index in 0..<headers {
                        switch index {
                        case 2...5, 10, 11, 24...27, 36, 37: continue
                        case 33: if mine[index] & ~push != theirs[index] & ~push { return false }
                        default: if mine[index] != theirs[index] { return false }
                        }
                    }
                    return true
                }
            }
        }

        /// The packet to write: alone as it came (its checksum checked), or merged with the GSO
        /// header, a new IP length and checksum, and the TCP checksum the kernel completes.
        func write() -> Write {
            var header = plainHeader
            guard segments > 1 else {
                header[0] = dataValid
                return Write(header: header, packet: packet)
            }
            var merged = packet
            store(UInt16(merged.count), in: &merged, at: 2)
            store(0, in: &merged, at: 10)
            store(~fold(sum(merged, from: 0, to: 20)), in: &merged, at: 10)
            // CHECKSUM_PARTIAL: the field holds the pseudo-header's sum, not inverted.
            store(fold(sum(merged, from: 12, to: 20) + 6 + UInt64(merged.count - 20)), in: &merged, at: 36)
            header[0] = needsChecksum
            header[1] = gsoTCPv4
            for (offset, value) in [(2, headers), (4, segmentSize), (6, 20), (8, 16)] {
                header[offset] = UInt8(value & 0xFF)
                header[offset + 1] = UInt8(value >> 8)
            }
            return Write(header: header, packet: merged)
        }
    }

    /// The 16-bit big-endian words of `bytes[start..<end]` added up (an odd last byte padded).
    static func sum(_ bytes: [UInt8], from start: Int, to end: Int) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var total: UInt64 = 0
            var index = start
            while index + 1 < end {
                total &+= UInt64(buffer[index]) << 8 | UInt64(buffer[index + 1])
                index += 2
            }
            if index < end { total &+= UInt64(buffer[index]) << 8 }
            return total
        }
    }

    /// A sum folded to 16 bits, the carries added back (one's complement addition).
    static func fold(_ sum: UInt64) -> UInt16 {
        var value = sum
        while value > 0xFFFF { value = (value & 0xFFFF) + (value >> 16) }
        return UInt16(value)
    }

    /// Writes `value` big-endian at `index`.
    static func store(_ value: UInt16, in bytes: inout [UInt8], at index: Int) {
        bytes[index] = UInt8(value >> 8)
        bytes[index + 1] = UInt8(value & 0xFF)
    }
}
