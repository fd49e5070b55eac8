/// IPCP's option rules on the access concentrator's side: it announces its own address, and naks
/// the client's address and DNS options towards the values it assigns.
public struct IPCPServerPolicy: PPPNegotiationPolicy {
    /// The access concentrator's address.
    public var serverAddress: [UInt8]
    /// The address this client gets.
    public var clientAddress: [UInt8]
    /// Primary and secondary DNS servers handed out (at most two used).
    public var dns: [[UInt8]]

    /// Makes the rules.
    public init(serverAddress: [UInt8], clientAddress: [UInt8], dns: [[UInt8]]) {
        self.serverAddress = serverAddress
        self.clientAddress = clientAddress
        self.dns = dns
    }

    public mutating func requestOptions() -> [PPPOption] {
        [PPPOption(type: IPCPPolicy.addressOption, value: serverAddress)]
    }

    public mutating func judge(_ option: PPPOption) -> PPPOptionJudgement {
        let wanted: [UInt8]?
        switch option.type {
        case IPCPPolicy.addressOption: wanted = clientAddress
        case IPCPPolicy.primaryDNSOption: wanted = dns.first
        case IPCPPolicy.secondaryDNSOption: wanted = dns.count > 1 ? dns[1] : nil
        default: wanted = nil
        }
        guard let wanted, option.value.count == 4 else { return .reject }
        return option.value == wanted ? .ack : .nak(PPPOption(type: option.type, value: wanted))
    }

    public mutating func peerAcknowledged(_ options: [PPPOption]) {}
    public mutating func acknowledged(_ options: [PPPOption]) {}
    public mutating func naked(_ options: [PPPOption]) {}
    public mutating func rejected(_ options: [PPPOption]) {}
}
