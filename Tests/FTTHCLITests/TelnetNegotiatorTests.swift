import CLIModel
import Testing

@testable import FTTHCLI

struct TelnetNegotiatorTests {
    @Test func agreesToServerEchoAndSuppressGoAheadOnce() {
        var n = TelnetNegotiator()
        #expect(n.reply(verb: Telnet.WILL, option: Telnet.Option.echo) == [Telnet.IAC, Telnet.DO, Telnet.Option.echo])
        #expect(n.reply(verb: Telnet.WILL, option: Telnet.Option.echo) == [])
        #expect(
            n.reply(verb: Telnet.WILL, option: Telnet.Option.suppressGoAhead)
                == [Telnet.IAC, Telnet.DO, Telnet.Option.suppressGoAhead])
    }

    @Test func refusesOtherWillsOnce() {
        var n = TelnetNegotiator()
        #expect(n.reply(verb: Telnet.WILL, option: 33) == [Telnet.IAC, Telnet.DONT, 33])
        #expect(n.reply(verb: Telnet.WILL, option: 33) == [])
        #expect(n.reply(verb: Telnet.WONT, option: 33) == [])
    }

    @Test func windowSizeIsReportedWide() {
        var n = TelnetNegotiator()
        #expect(
            n.reply(verb: Telnet.DO, option: Telnet.Option.windowSize)
                == [Telnet.IAC, Telnet.WILL, Telnet.Option.windowSize]
                + [Telnet.IAC, Telnet.SB, Telnet.Option.windowSize, 0, 200, 2, 0, Telnet.IAC, Telnet.SE])
        #expect(n.reply(verb: Telnet.DO, option: Telnet.Option.windowSize) == [])
    }

    @Test func terminalTypeIsVT100() {
        var n = TelnetNegotiator()
        #expect(n.reply(subnegotiation: Telnet.Option.terminalType, payload: [Telnet.ttypeSEND]) == [])
        #expect(
            n.reply(verb: Telnet.DO, option: Telnet.Option.terminalType)
                == [Telnet.IAC, Telnet.WILL, Telnet.Option.terminalType])
        #expect(
            n.reply(subnegotiation: Telnet.Option.terminalType, payload: [Telnet.ttypeSEND])
                == [Telnet.IAC, Telnet.SB, Telnet.Option.terminalType, Telnet.ttypeIS] + Array("VT100".utf8)
                + [Telnet.IAC, Telnet.SE])
    }

    @Test func refusesOtherDosAndEchoOnItsSide() {
        var n = TelnetNegotiator()
        #expect(n.reply(verb: Telnet.DO, option: Telnet.Option.echo) == [Telnet.IAC, Telnet.WONT, Telnet.Option.echo])
        #expect(n.reply(verb: Telnet.DO, option: Telnet.Option.echo) == [])
        #expect(n.reply(verb: Telnet.DONT, option: Telnet.Option.echo) == [])
    }

    @Test func acknowledgesTheServerTurningAnOptionOff() {
        var n = TelnetNegotiator()
        _ = n.reply(verb: Telnet.WILL, option: Telnet.Option.echo)
        #expect(
            n.reply(verb: Telnet.WONT, option: Telnet.Option.echo) == [Telnet.IAC, Telnet.DONT, Telnet.Option.echo])
        #expect(n.reply(verb: Telnet.WONT, option: Telnet.Option.echo) == [])
        _ = n.reply(verb: Telnet.DO, option: Telnet.Option.windowSize)
        #expect(
            n.reply(verb: Telnet.DONT, option: Telnet.Option.windowSize)
                == [Telnet.IAC, Telnet.WONT, Telnet.Option.windowSize])
    }
}
