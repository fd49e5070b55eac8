/// Lowers the MSS option of TCP SYN segments in IPv4 packets, so TCP never sends segments the
/// session cannot carry (RFC 2516's MRU of 1492 or less). Other packets pass untouched.
public enum TCPMSSClamp {
    /// Lowers the MSS option of an IPv4 TCP SYN (or SYN-ACK) to `maxMSS` when it is larger, and
    /// fixes the TCP checksum incrementally (RFC 1624). Malformed packets are left as they are.
    public static func clamp(_ packet: inout [UInt8], maxMSS: Int) {
        guard maxMSS > 0, maxMSS <= Int(UInt16.max), packet.count >= 20, packet[0] >> 4 == 4, packet[9] == 6 else {
            return
        }
        let ipHeader = Int(packet[0] & 0x0F) * 4
        let fragmentOffset = (Int(packet[6] & 0x1F) << 8) | Int(packet[7])
        let totalLength = min(packet.count, Int(packet[2]) << 8 | Int(packet[3]))
        guard ipHeader >= 20, fragmentOffset == 0, totalLength >= ipHeader + 20 else { return }
        let tcp = ipHeader
        guard packet[tcp + 13] & 0x02 != 0 else { return }  // SYN
        let tcpHeader = Int(packet[tcp + 12] >> 4) * 4
        guard tcpHeader >= 20, tcp + tcpHeader <= totalLength else { return }
        var index = tcp + 20
        let end = tcp + tcpHeader
        while index < end {
            let kind = packet[index]
            if kind == 0 { return }
            if kind == 1 {
                index += 1
                continue
            }
            guard index + 1 < end else { return }
            let length = Int(packet[index + 1])
            guard length >= 2, index + length <= end else { return }
            if kind == 2, length == 4 {
                let mss = UInt16(packet[index + 2]) << 8 | UInt16(packet[index + 3])
                guard Int(mss) > maxMSS else { return }
                let new = UInt16(maxMSS)
                packet[index + 2] = UInt8(new >> 8)
                packet[index + 3] = UInt8(new & 0xFF)
                // The MSS value sits at an even offset from the TCP header (options start at 20,
                // and kind/length take 2), so it is one aligned 16-bit word of the checksum.
                if (index + 2 - tcp) % 2 == 0 {
                    let checksum = UInt16(packet[tcp + 16]) << 8 | UInt16(packet[tcp + 17])
                    let updated = adjust(checksum: checksum, old: mss, new: new)
                    packet[tcp + 16] = UInt8(updated >> 8)
                    packet[tcp + 17] = UInt8(updated & 0xFF)
                } else {
                    recomputeChecksum(&packet, ipHeader: ipHeader, totalLength: totalLength)
                }
                return
            }
            index += length
        }
    }

    /// RFC 1624 equation 3: HC' = ~(~HC + ~m + m').
    static func adjust(checksum: UInt16, old: UInt16, new: UInt16) -> UInt16 {
        var sum = UInt32(~checksum) + UInt32(~old) + UInt32(new)
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// The TCP checksum computed from scratch (pseudo-header included); for tests and odd layouts.
    static func tcpChecksum(_ packet: [UInt8], ipHeader: Int, totalLength: Int) -> UInt16 {
        var sum: UInt32 = 0
        func add(_ high: UInt8, _ low: UInt8) { sum += UInt32(high) << 8 | UInt32(low) }
        for i in stride(from: 12, to: 20, by: 2) { add(packet[i], packet[i + 1]) }
        sum += 6
        sum += UInt32(totalLength - ipHeader)
        var i = ipHeader
        while i < totalLength {
            if i == ipHeader + 16 {
                i += 2
                continue
            }
            add(packet[i], i + 1 < totalLength ? packet[i + 1] : 0)
            i += 2
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private static func recomputeChecksum(_ packet: inout [UInt8], ipHeader: Int, totalLength: Int) {
        let checksum = tcpChecksum(packet, ipHeader: ipHeader, totalLength: totalLength)
        packet[ipHeader + 16] = UInt8(checksum >> 8)
        packet[ipHeader + 17] = UInt8(checksum & 0xFF)
    }
}
