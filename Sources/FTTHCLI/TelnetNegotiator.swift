import CLIModel

/// The client's side of Telnet option negotiation (RFC 854/855), without I/O: agrees to the
/// server echoing and suppressing go-ahead, reports a wide window (NAWS) so tables do not wrap,
/// names a VT100 terminal, and refuses everything else. A request for the state an option is
/// already in is not answered, and a refusal is not repeated, so two peers never loop.
public struct TelnetNegotiator: Sendable {
    /// The window reported: wide enough for every OLT table on one line.
    public static let columns: UInt16 = 200
    public static let rows: UInt16 = 512
    public static let terminalType = "VT100"

    /// Options the server may enable on its side (WILL → DO).
    static let acceptedRemote: Set<UInt8> = [Telnet.Option.echo, Telnet.Option.suppressGoAhead]
    /// Options the client enables on its side (DO → WILL).
    static let acceptedLocal: Set<UInt8> = [Telnet.Option.windowSize, Telnet.Option.terminalType]

    /// Per option, whether it is on (true), refused or off (false), or never negotiated (absent).
    var remote: [UInt8: Bool] = [:]
    var local: [UInt8: Bool] = [:]

    public init() {}

    /// The bytes to send in reply to one `IAC verb option`, empty when none is due.
    public mutating func reply(verb: UInt8, option: UInt8) -> [UInt8] {
        switch verb {
        case Telnet.WILL:
            let accept = Self.acceptedRemote.contains(option)
            guard remote[option] != accept else { return [] }
            remote[option] = accept
            return Telnet.negotiation(accept ? Telnet.DO : Telnet.DONT, option)
        case Telnet.WONT:
            // Options start off: a WONT for one that is not on needs no acknowledgement.
            guard remote[option] == true else { return [] }
            remote[option] = false
            return Telnet.negotiation(Telnet.DONT, option)
        case Telnet.DO:
            let accept = Self.acceptedLocal.contains(option)
            guard local[option] != accept else { return [] }
            local[option] = accept
            guard accept else { return Telnet.negotiation(Telnet.WONT, option) }
            if option == Telnet.Option.windowSize {
                return Telnet.negotiation(Telnet.WILL, option)
                    + Telnet.windowSize(columns: Self.columns, rows: Self.rows)
            }
            return Telnet.negotiation(Telnet.WILL, option)
        case Telnet.DONT:
            guard local[option] == true else { return [] }
            local[option] = false
            return Telnet.negotiation(Telnet.WONT, option)
        default:
            return []
        }
    }

    /// The reply to a subnegotiation: the terminal type when asked (`SB TTYPE SEND`).
    public func reply(subnegotiation option: UInt8, payload: [UInt8]) -> [UInt8] {
        guard option == Telnet.Option.terminalType, payload.first == Telnet.ttypeSEND,
            local[Telnet.Option.terminalType] == true
        else { return [] }
        return Telnet.subnegotiation(option, [Telnet.ttypeIS] + Array(Self.terminalType.utf8))
    }
}
