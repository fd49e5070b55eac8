import CLIModel
import FTTHCLI

/// What an OLT's Telnet port sends the daemon: the Telnet codec, the option negotiator, the
/// terminal-text cleaner and the session engine that logs in, finds prompts and collects a
/// command's output. The first byte picks the dialect (bit 0: Huawei or ZTE) and how the rest is
/// split into reads (bits 1–7: 1 to 128 bytes each), since a command may arrive split anywhere.
enum TelnetFuzz {
    static let target = FuzzTarget(
        name: "telnet", summary: "Telnet codec and negotiator, terminal-text cleaner, CLI session engine", run: run,
        seeds: seeds)

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        cleanText(rest)
        roundTrip(rest)

        let style: CLITerminalStyle = mode & 1 == 0 ? .huawei : .zte
        let readSize = Int(mode >> 1) + 1
        var parser = Telnet.Parser()
        var negotiator = TelnetNegotiator()
        var session = CLISessionEngine(
            target: "fuzz", style: style, username: "fuzz", password: "secret", endOfLine: "\r\n")
        var commands = 0
        var start = 0
        while start < rest.count {
            let read = rest[start..<min(start + readSize, rest.count)]
            start += readSize
            for event in parser.feed(read) {
                switch event {
                case .negotiation(let verb, let option): _ = negotiator.reply(verb: verb, option: option)
                case .subnegotiation(let option, let payload):
                    _ = negotiator.reply(subnegotiation: option, payload: payload)
                case .command: break
                case .data(let data):
                    switch session.received(data) {
                    case .loggedIn, .completed:
                        commands += 1
                        _ = session.run(
                            commands % 2 == 0 ? "display ont info 0 1 0 all" : "show gpon onu state gpon-olt_1/2/1")
                    case .none, .send, .failed: break
                    }
                }
            }
        }
        _ = session.partialOutput
        _ = session.connectionClosed()
    }

    /// The cleaner and the prompt matchers on the raw bytes, as the parsers use them on recorded output.
    static func cleanText(_ raw: [UInt8]) {
        let cleaned = TerminalText.clean(raw[...])
        _ = TerminalText.isUnfinishedCSI(raw[...])
        for start in raw.indices where raw[start] == TerminalText.escape {
            _ = TerminalText.csiEnd(in: raw[...], at: start)
        }
        _ = TerminalText.trailingMatch(cleaned, CLITerminalStyle.huawei.pagerPrompts + ["#", ">"])
        _ = TerminalText.trailingInterjection(cleaned)
        _ = TerminalText.contains(cleaned, "Failure")
        _ = TerminalText.string(cleaned)
    }

    /// Data escaped for the wire reads back as the same data (a NUL after CR is the one byte the
    /// codec drops: `CR NUL` is a bare carriage return).
    static func roundTrip(_ data: [UInt8]) {
        var parser = Telnet.Parser()
        var read: [UInt8] = []
        for event in parser.feed(Telnet.escaped(data)) {
            guard case .data(let bytes) = event else { fatalError("escaped data read back as \(event)") }
            read += bytes
        }
        var expected: [UInt8] = []
        for (i, byte) in data.enumerated() where !(byte == 0 && i > 0 && data[i - 1] == 13) {
            expected.append(byte)
        }
        guard read == expected else { fatalError("escaped data read back as \(read), not \(expected)") }
    }

    /// A Telnet login and one command's recorded output (a fixture file) for each dialect.
    static func seeds(_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] {
        let iac = Telnet.IAC
        let negotiation: [UInt8] =
            [iac, Telnet.DO, Telnet.Option.terminalType, iac, Telnet.WILL, Telnet.Option.echo]
            + [iac, Telnet.WILL, Telnet.Option.suppressGoAhead, iac, Telnet.DO, Telnet.Option.windowSize]
            + [iac, Telnet.SB, Telnet.Option.terminalType, Telnet.ttypeSEND, iac, Telnet.SE]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (index, path) in fixtures.enumerated() {
            guard let output = FuzzCommand.read(path) else { continue }
            let crlf = output.flatMap { $0 == 10 ? [13, 10] : [$0] }
            for (dialect, login) in [
                (UInt8(0), "\r\n>>User name:\r\n>>User password:\r\n\r\nMA5800-X7>"),
                (UInt8(1), "\r\nUsername:\r\nPassword:\r\n\r\nC300#"),
            ] {
                let prompt = dialect == 0 ? "\r\nMA5800-X7>" : "\r\nC300#"
                let text = Array(login.utf8) + Telnet.escaped(crlf) + Array(prompt.utf8)
                seeds.append(("telnet-\(index)-\(dialect)", [dialect | 14 << 1] + negotiation + text))
            }
        }
        return seeds
    }
}
