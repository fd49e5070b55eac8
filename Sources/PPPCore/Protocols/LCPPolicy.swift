/// LCP's option rules (RFC 1661, RFC 2516's MRU limit): MRU, Magic-Number and
/// Authentication-Protocol, for the client and for an authenticating access concentrator.
public struct LCPPolicy: PPPNegotiationPolicy {
    /// Option types.
    public static let mruOption: UInt8 = 1
    /// Magic-Number option type.
    public static let magicOption: UInt8 = 5
    /// The largest MRU a PPPoE session carries over a 1500-byte Ethernet (RFC 2516).
    public static let pppoeMaximumMRU = 1492

    /// The MRU we ask for; lowered when the peer naks a smaller one.
    public var desiredMRU: Int
    /// Our magic number.
    public var magicNumber: UInt32
    /// The authentication we require of the peer (an access concentrator); nil for a client.
    public var requestedAuth: PPPAuthProtocol?
    /// Authentication protocols we accept to perform, in the order a Configure-Nak suggests them.
    public var acceptedAuth: [PPPAuthProtocol] = [.chapMD5, .pap]
    /// The largest MRU we let the peer ask (an access concentrator with a smaller MRU); nil = any
    /// up to 1492.
    public var maximumPeerMRU: Int?

    /// The MRU the peer acknowledged for our side.
    public private(set) var localMRU: Int
    /// The MRU the peer asked (what we may send it); 1492 when it asked none.
    public private(set) var peerMRU: Int = LCPPolicy.pppoeMaximumMRU
    /// The peer's magic number, once its request was acknowledged.
    public private(set) var peerMagic: UInt32?
    /// The authentication the peer requires of us (client side), once acknowledged.
    public private(set) var peerAuth: PPPAuthProtocol?
    /// The authentication protocols the peer asked that we refused, in order (for logs).
    public private(set) var refusedAuth: [PPPAuthProtocol] = []

    private var askMRU = true
    private var askMagic = true
    private var authNaks = 0

    /// The smallest MRU RFC 1661 lets an implementation ask.
    public static let minimumMRU = 64

    /// Makes the rules; `desiredMRU` is kept within 64...1492.
    public init(desiredMRU: Int = 1492, magicNumber: UInt32, requestedAuth: PPPAuthProtocol? = nil) {
        let mru = min(max(desiredMRU, Self.minimumMRU), Self.pppoeMaximumMRU)
        self.desiredMRU = mru
        self.localMRU = mru
        self.magicNumber = magicNumber
        self.requestedAuth = requestedAuth
    }

    /// The MRU in force on the session: the smaller of both directions.
    public var mru: Int { min(localMRU, peerMRU, Self.pppoeMaximumMRU) }

    public var extraCodes: ClosedRange<UInt8>? { PPPControlPacket.protocolReject...PPPControlPacket.discardRequest }

    public mutating func requestOptions() -> [PPPOption] {
        var options: [PPPOption] = []
        if askMRU {
            let mru = min(max(desiredMRU, Self.minimumMRU), Self.pppoeMaximumMRU)
            options.append(PPPOption(type: Self.mruOption, value: .u16(UInt16(mru))))
        }
        if let requestedAuth { options.append(requestedAuth.option) }
        if askMagic, magicNumber != 0 { options.append(PPPOption(type: Self.magicOption, value: .u32(magicNumber))) }
        return options
    }

    public mutating func judge(_ option: PPPOption) -> PPPOptionJudgement {
        switch option.type {
        case Self.mruOption:
            guard let value = option.u16 else { return .reject }
            let limit = min(max(maximumPeerMRU ?? Self.pppoeMaximumMRU, Self.minimumMRU), Self.pppoeMaximumMRU)
            if Int(value) > limit { return .nak(PPPOption(type: Self.mruOption, value: .u16(UInt16(limit)))) }
            if value < 64 { return .nak(PPPOption(type: Self.mruOption, value: .u16(64))) }
            return .ack
        case PPPAuthProtocol.optionType:
            // An authenticator does not authenticate itself to the client.
            guard requestedAuth == nil, let auth = PPPAuthProtocol(optionValue: option.value) else { return .reject }
            if acceptedAuth.contains(auth) { return .ack }
            refusedAuth.append(auth)
            guard !acceptedAuth.isEmpty else { return .reject }
            let suggestion = acceptedAuth[min(authNaks, acceptedAuth.count - 1)]
            authNaks += 1
            return .nak(suggestion.option)
        case Self.magicOption:
            guard let value = option.u32 else { return .reject }
            if value == magicNumber && value != 0 {
                // Looped back or a collision: RFC 1661 asks for a Nak with another number.
                return .nak(PPPOption(type: Self.magicOption, value: .u32(value &* 1_103_515_245 &+ 12345)))
            }
            return .ack
        default:
            return .reject
        }
    }

    public mutating func peerAcknowledged(_ options: [PPPOption]) {
        peerMRU = Self.pppoeMaximumMRU
        peerAuth = nil
        peerMagic = nil
        for option in options {
            switch option.type {
            case Self.mruOption: peerMRU = Int(option.u16 ?? UInt16(Self.pppoeMaximumMRU))
            case PPPAuthProtocol.optionType: peerAuth = PPPAuthProtocol(optionValue: option.value)
            case Self.magicOption: peerMagic = option.u32
            default: break
            }
        }
    }

    public mutating func acknowledged(_ options: [PPPOption]) {
        localMRU = askMRU ? desiredMRU : min(desiredMRU, Self.pppoeMaximumMRU)
        for option in options where option.type == Self.mruOption {
            localMRU = Int(option.u16 ?? UInt16(localMRU))
        }
    }

    public mutating func naked(_ options: [PPPOption]) {
        for option in options {
            switch option.type {
            case Self.mruOption:
                if let value = option.u16, value >= 64, Int(value) < desiredMRU { desiredMRU = Int(value) }
            case Self.magicOption:
                magicNumber = magicNumber &* 1_664_525 &+ 1_013_904_223
            case PPPAuthProtocol.optionType:
                if let auth = PPPAuthProtocol(optionValue: option.value), acceptedAuth.contains(auth) {
                    requestedAuth = auth
                }
            default:
                break
            }
        }
    }

    public mutating func rejected(_ options: [PPPOption]) {
        for option in options {
            switch option.type {
            case Self.mruOption: askMRU = false
            case Self.magicOption: askMagic = false
            case PPPAuthProtocol.optionType: requestedAuth = nil
            default: break
            }
        }
    }
}
