/// An 802.1Q tag: the VLAN a frame belongs to and its priority.
public struct VLANTag: Sendable, Equatable, Hashable {
    /// VLAN id, 0...4095; 0 means "priority-tagged, no VLAN".
    public var id: UInt16
    /// 802.1p priority, 0...7.
    public var priority: UInt8
    /// Drop-eligible indicator.
    public var dropEligible: Bool

    /// Makes a tag; `id` and `priority` are masked to their field widths.
    public init(id: UInt16, priority: UInt8 = 0, dropEligible: Bool = false) {
        self.id = id & 0x0FFF
        self.priority = priority & 0x07
        self.dropEligible = dropEligible
    }
}

/// An Ethernet II frame, optionally carrying one 802.1Q tag.
///
/// `payload` is everything after the EtherType, padding included: the PPPoE layer above uses its
/// own length field and ignores the padding.
public struct EthernetFrame: Sendable, Equatable {
    /// EtherType of PPPoE discovery (RFC 2516).
    public static let pppoeDiscovery: UInt16 = 0x8863
    /// EtherType of PPPoE session frames (RFC 2516).
    public static let pppoeSession: UInt16 = 0x8864
    /// EtherType announcing an 802.1Q tag.
    public static let vlanTagged: UInt16 = 0x8100
    /// The broadcast address.
    public static let broadcast: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    /// The shortest frame put on the wire (without the FCS): shorter ones are padded with zeros.
    public static let minimumLength = 60

    /// Destination MAC address, 6 bytes.
    public var destination: [UInt8]
    /// Source MAC address, 6 bytes.
    public var source: [UInt8]
    /// The 802.1Q tag, if the frame carries one.
    public var vlan: VLANTag?
    /// The EtherType of the payload (after any tag).
    public var etherType: UInt16
    /// The bytes after the EtherType.
    public var payload: [UInt8]

    /// Makes a frame; both addresses must be 6 bytes.
    public init(destination: [UInt8], source: [UInt8], vlan: VLANTag? = nil, etherType: UInt16, payload: [UInt8]) {
        precondition(destination.count == 6 && source.count == 6, "MAC addresses are 6 bytes")
        self.destination = destination
        self.source = source
        self.vlan = vlan
        self.etherType = etherType
        self.payload = payload
    }

    /// Decodes a frame as captured (no FCS); throws `FrameError` when it is shorter than its header.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> EthernetFrame {
        var reader = ByteReader(bytes, layer: "Ethernet")
        let destination = try reader.take(6)
        let source = try reader.take(6)
        var etherType = try reader.u16()
        var vlan: VLANTag?
        if etherType == vlanTagged {
            let tci = try reader.u16()
            vlan = VLANTag(id: tci & 0x0FFF, priority: UInt8(tci >> 13), dropEligible: tci & 0x1000 != 0)
            etherType = try reader.u16()
        }
        return EthernetFrame(
            destination: destination, source: source, vlan: vlan, etherType: etherType, payload: reader.rest())
    }

    /// The frame's bytes, padded with zeros to 60 bytes when shorter.
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(Self.minimumLength, 18 + payload.count))
        bytes += destination
        bytes += source
        if let vlan {
            bytes.appendU16(Self.vlanTagged)
            bytes.appendU16(UInt16(vlan.priority) << 13 | (vlan.dropEligible ? 0x1000 : 0) | vlan.id)
        }
        bytes.appendU16(etherType)
        bytes += payload
        if bytes.count < Self.minimumLength {
            bytes += [UInt8](repeating: 0, count: Self.minimumLength - bytes.count)
        }
        return bytes
    }
}
