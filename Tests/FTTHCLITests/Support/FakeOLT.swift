/// A scripted Huawei-like OLT command line for the transport tests, independent of the wire:
/// fed the bytes a client typed, it returns what the OLT prints, or asks to drop the connection.
/// Commands: `display version`, `display long` (two pages), `display ont info summary 0/1/0`
/// (interjects `{ <cr>||<K> }:`), `drop` (prints half a row, then closes), `hang` (prints half a
/// row, then nothing), `quit` (closes).
struct FakeOLT {
    enum Reply: Equatable {
        case print(String)
        case close
    }

    enum State {
        case username
        case password(user: String)
        case prompt
        case interjected
        case paged(remaining: [String])
        case hung
    }

    static let prompt = "MA5600T>"
    static let longRows = (1...30).map { "  row \($0)" }
    static let pager = "---- More ( Press 'Q' to break ) ----"
    static let erase = "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D"

    var username: String
    var password: String
    /// Whether the OLT echoes what is typed (Telnet with WILL ECHO, an SSH pty).
    var echoes: Bool
    var state: State
    private var line: [UInt8] = []
    private var lastWasCR = false

    /// `asksForLogin`: false for an SSH shell that trusts the handshake.
    init(username: String = "admin", password: String = "secret", echoes: Bool = true, asksForLogin: Bool = true) {
        self.username = username
        self.password = password
        self.echoes = echoes
        self.state = asksForLogin ? .username : .prompt
    }

    /// What the OLT prints as the connection opens.
    func greeting() -> String {
        switch state {
        case .username: "\r\n\r\nWarning: Telnet is not a secure protocol.\r\n\r\n>>User name:"
        default: "\r\n" + Self.prompt
        }
    }

    mutating func received(_ bytes: some Sequence<UInt8>) -> [Reply] {
        var replies: [Reply] = []
        for byte in bytes {
            if byte == 0 || (byte == 10 && lastWasCR) {
                lastWasCR = false
                continue
            }
            if case .paged(let remaining) = state {
                // A key at the pager: the OLT erases the pager prompt and prints the rest.
                state = .prompt
                lastWasCR = false
                replies.append(.print(Self.erase + remaining.joined(separator: "\r\n") + "\r\n" + Self.prompt))
                continue
            }
            lastWasCR = byte == 13
            if byte == 13 || byte == 10 {
                let text = String(decoding: line, as: UTF8.self)
                line.removeAll()
                replies += enter(text)
            } else {
                line.append(byte)
            }
        }
        return replies
    }

    private mutating func enter(_ text: String) -> [Reply] {
        switch state {
        case .username:
            state = .password(user: text)
            return [.print((echoes ? text : "") + "\r\n>>User password:")]
        case .password(let user):
            guard user == username, text == password else {
                state = .username
                return [.print("\r\n  Username or password invalid.\r\n\r\n>>User name:")]
            }
            state = .prompt
            return [.print("\r\n\r\n  Huawei Integrated Access Software (MA5600T).\r\n\r\n" + Self.prompt)]
        case .interjected:
            state = .prompt
            return [
                .print(
                    "\r\n  In port 0/1/0, the total of ONTs are: 1, online: 1\r\n"
                        + "  ONT  Run     Last\r\n  ID   State   UpTime\r\n  0    online  2024-05-01\r\n"
                        + Self.prompt)
            ]
        case .prompt:
            let echo = echoes ? text + "\r\n" : ""
            switch text {
            case "display version":
                return [.print(echo + "  VERSION : MA5600V800R018C10\r\n  PATCH   : SPC200\r\n" + Self.prompt)]
            case "display long":
                state = .paged(remaining: Array(Self.longRows[20...]))
                return [.print(echo + Self.longRows[..<20].joined(separator: "\r\n") + "\r\n" + Self.pager)]
            case "display ont info summary 0/1/0":
                state = .interjected
                return [.print(echo + "{ <cr>||<K> }:")]
            case "drop":
                return [.print(echo + "  half a ro"), .close]
            case "hang":
                state = .hung
                return [.print(echo + "  half a ro")]
            case "quit":
                return [.close]
            case "":
                return [.print("\r\n" + Self.prompt)]
            default:
                return [
                    .print(
                        echo + "                    ^\r\n  % Unknown command, the error locates at '^'\r\n"
                            + Self.prompt)
                ]
            }
        case .paged, .hung:
            return []
        }
    }
}
