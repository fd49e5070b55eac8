/// IPCP's option rules for the client (RFC 1332, RFC 1877): ask an address and two DNS servers,
/// take the values the peer's Naks give, reject everything the peer asks except its address.
public struct IPCPPolicy: PPPNegotiationPolicy {
    /// IP-Address option type.
    public static let addressOption: UInt8 = 3
    /// Primary-DNS option type.
    public static let primaryDNSOption: UInt8 = 129
    /// Secondary-DNS option type.
    public static let secondaryDNSOption: UInt8 = 131

    /// Our address: 0.0.0.0 until the peer's Nak gives one.
    public private(set) var localAddress: [UInt8] = [0, 0, 0, 0]
    /// The peer's address, once its request was acknowledged.
    public private(set) var peerAddress: [UInt8]?
    /// The primary DNS server, when still asked (nil once rejected).
    public private(set) var primaryDNS: [UInt8]? = [0, 0, 0, 0]
    /// The secondary DNS server, when still asked (nil once rejected).
    public private(set) var secondaryDNS: [UInt8]? = [0, 0, 0, 0]
    /// Whether the peer rejected the IP-Address option (no address will come).
    public private(set) var addressRejected = false

    /// Makes the rules with nothing known yet.
    public init() {}

    /// The DNS servers obtained, zero addresses left out.
    public var dns: [[UInt8]] {
        [primaryDNS, secondaryDNS].compactMap { $0 }.filter { $0 != [0, 0, 0, 0] }
    }

    public mutating func requestOptions() -> [PPPOption] {
        var options: [PPPOption] = []
        if !addressRejected { options.append(PPPOption(type: Self.addressOption, value: localAddress)) }
        if let primaryDNS { options.append(PPPOption(type: Self.primaryDNSOption, value: primaryDNS)) }
        if let secondaryDNS { options.append(PPPOption(type: Self.secondaryDNSOption, value: secondaryDNS)) }
        return options
    }

    public mutating func judge(_ option: PPPOption) -> PPPOptionJudgement {
        option.type == Self.addressOption && option.value.count == 4 ? .ack : .reject
    }

    public mutating func peerAcknowledged(_ options: [PPPOption]) {
        peerAddress = options.first { $0.type == Self.addressOption }?.value
    }

    public mutating func acknowledged(_ options: [PPPOption]) { take(options) }

    public mutating func naked(_ options: [PPPOption]) { take(options) }

    public mutating func rejected(_ options: [PPPOption]) {
        for option in options {
            switch option.type {
            case Self.addressOption: addressRejected = true
            case Self.primaryDNSOption: primaryDNS = nil
            case Self.secondaryDNSOption: secondaryDNS = nil
            default: break
            }
        }
    }

    private mutating func take(_ options: [PPPOption]) {
        for option in options where option.value.count == 4 {
            switch option.type {
            case Self.addressOption: localAddress = option.value
            case Self.primaryDNSOption: primaryDNS = option.value
            case Self.secondaryDNSOption: secondaryDNS = option.value
            default: break
            }
        }
    }
}
