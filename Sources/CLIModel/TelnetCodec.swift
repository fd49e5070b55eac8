/// Telnet (RFC 854/855) framing, shared by the client and olt-sim's server: separates data
/// from commands in a byte stream and encodes negotiations. Pure; the transports own sockets.
public enum Telnet {
    public static let IAC: UInt8 = 255
    public static let DONT: UInt8 = 254
    public static let DO: UInt8 = 253
    public static let WONT: UInt8 = 252
    public static let WILL: UInt8 = 251
    public static let SB: UInt8 = 250
    public static let GA: UInt8 = 249
    public static let NOP: UInt8 = 241
    public static let SE: UInt8 = 240

    /// Options this project negotiates.
    public enum Option {
        public static let echo: UInt8 = 1
        public static let suppressGoAhead: UInt8 = 3
        public static let terminalType: UInt8 = 24
        public static let windowSize: UInt8 = 31
    }

    /// TTYPE subnegotiation verbs (RFC 1091).
    public static let ttypeIS: UInt8 = 0
    public static let ttypeSEND: UInt8 = 1

    /// Something found in the byte stream.
    public enum Event: Sendable, Hashable {
        /// Application data, with `IAC IAC` unescaped and `CR NUL` turned into `CR`.
        case data([UInt8])
        /// WILL, WONT, DO or DONT and its option.
        case negotiation(verb: UInt8, option: UInt8)
        /// `IAC SB option … IAC SE`, the bytes between option and `IAC SE`.
        case subnegotiation(option: UInt8, payload: [UInt8])
        /// Any other command (NOP, GA, AYT…): nothing to do for a CLI session.
        case command(UInt8)
    }

    /// Splits a byte stream into events; keeps state across reads, since a command can arrive
    /// split over two TCP segments.
    public struct Parser: Sendable {
        enum State: Sendable {
            case data
            case iac
            case verb(UInt8)
            case sbOption
            case sb(option: UInt8, payload: [UInt8])
            case sbIAC(option: UInt8, payload: [UInt8])
            case cr
        }

        var state: State = .data
        /// A subnegotiation longer than this is a protocol error; the payload is dropped.
        let maximumSubnegotiation = 1024

        public init() {}

        public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [Event] {
            var events: [Event] = []
            var data: [UInt8] = []
            func flush() {
                if !data.isEmpty {
                    events.append(.data(data))
                    data.removeAll()
                }
            }
            for byte in bytes {
                switch state {
                case .data:
                    if byte == IAC {
                        state = .iac
                    } else {
                        data.append(byte)
                        if byte == 13 { state = .cr }
                    }
                case .cr:
                    state = .data
                    if byte == 0 { continue }  // CR NUL is a bare carriage return.
                    if byte == IAC {
                        state = .iac
                    } else {
                        data.append(byte)
                        if byte == 13 { state = .cr }
                    }
                case .iac:
                    switch byte {
                    case IAC:
                        data.append(IAC)
                        state = .data
                    case WILL, WONT, DO, DONT:
                        state = .verb(byte)
                    case SB:
                        state = .sbOption
                    default:
                        flush()
                        events.append(.command(byte))
                        state = .data
                    }
                case .verb(let verb):
                    flush()
                    events.append(.negotiation(verb: verb, option: byte))
                    state = .data
                case .sbOption:
                    state = .sb(option: byte, payload: [])
                case .sb(let option, var payload):
                    if byte == IAC {
                        state = .sbIAC(option: option, payload: payload)
                    } else {
                        if payload.count < maximumSubnegotiation { payload.append(byte) }
                        state = .sb(option: option, payload: payload)
                    }
                case .sbIAC(let option, var payload):
                    if byte == SE {
                        flush()
                        events.append(.subnegotiation(option: option, payload: payload))
                        state = .data
                    } else {
                        // IAC IAC inside a subnegotiation is a literal 255.
                        if payload.count < maximumSubnegotiation { payload.append(byte) }
                        state = .sb(option: option, payload: payload)
                    }
                }
            }
            flush()
            return events
        }
    }

    /// `IAC verb option`.
    public static func negotiation(_ verb: UInt8, _ option: UInt8) -> [UInt8] { [IAC, verb, option] }

    /// `IAC SB option payload IAC SE`, with 255 in the payload doubled.
    public static func subnegotiation(_ option: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [IAC, SB, option] + escaped(payload) + [IAC, SE]
    }

    /// NAWS (RFC 1073): the window size the client reports.
    public static func windowSize(columns: UInt16, rows: UInt16) -> [UInt8] {
        subnegotiation(
            Option.windowSize, [UInt8(columns >> 8), UInt8(columns & 0xFF), UInt8(rows >> 8), UInt8(rows & 0xFF)])
    }

    /// Application data with 255 doubled, as it must be on the wire.
    public static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(IAC) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        for b in bytes {
            out.append(b)
            if b == IAC { out.append(IAC) }
        }
        return out
    }
}
