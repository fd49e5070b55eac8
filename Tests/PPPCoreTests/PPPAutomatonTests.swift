import PPPCore
import Testing

@Suite struct PPPAutomatonPlaceholder {
    @Test func opensFromClosed() {
        #expect(PPPAutomaton.transition(from: .closed, on: .open) == (.reqSent, [.irc, .scr]))
    }
}
