/// RFC 1661 section 4.1's option-negotiation automaton, written as its state transition table.
///
/// `transition(from:on:)` is the table: one `switch` arm per cell, in the RFC's order. Cells the
/// RFC marks "-" (the event cannot happen in that state) leave the state unchanged with no
/// action; `isDefined(_:_:)` tells them apart. Restart options ("r") need no action here.
public enum PPPAutomaton {
    /// The automaton's ten states.
    public enum State: String, Sendable, Equatable, CaseIterable {
        case initial, starting, closed, stopped, closing, stopping, reqSent, ackRcvd, ackSent, opened

        /// Whether the restart timer runs in this state.
        public var timerRuns: Bool { [.closing, .stopping, .reqSent, .ackRcvd, .ackSent].contains(self) }
    }

    /// The automaton's events.
    public enum Event: String, Sendable, Equatable, CaseIterable {
        /// Lower layer is up / down; administrative open / close.
        case up, down, open, close
        /// Timeout with the restart counter above zero / expired.
        case toPlus, toMinus
        /// Configure-Request good / bad; Configure-Ack; Configure-Nak or -Reject.
        case rcrPlus, rcrMinus, rca, rcn
        /// Terminate-Request; Terminate-Ack.
        case rtr, rta
        /// Unknown code.
        case ruc
        /// Code- or Protocol-Reject: permitted / catastrophic.
        case rxjPlus, rxjMinus
        /// Echo-Request, Echo-Reply or Discard-Request.
        case rxr
    }

    /// The automaton's actions.
    public enum Action: String, Sendable, Equatable, CaseIterable {
        /// This layer up / down / started / finished.
        case tlu, tld, tls, tlf
        /// Initialize / zero the restart counter.
        case irc, zrc
        /// Send Configure-Request / -Ack / -Nak (or -Reject).
        case scr, sca, scn
        /// Send Terminate-Request / -Ack.
        case str, sta
        /// Send Code-Reject; send Echo-Reply.
        case scj, ser
    }

    /// Whether the RFC's table defines the cell (its "-" cells are not defined).
    public static func isDefined(_ state: State, _ event: Event) -> Bool {
        switch (state, event) {
        case (.initial, .up), (.initial, .open), (.initial, .close): true
        case (.starting, .up), (.starting, .open), (.starting, .close): true
        case (.initial, _), (.starting, _): false
        case (.closed, .up), (.stopped, .up), (.closing, .up), (.stopping, .up): false
        case (.reqSent, .up), (.ackRcvd, .up), (.ackSent, .up), (.opened, .up): false
        case (.closed, .toPlus), (.closed, .toMinus), (.stopped, .toPlus), (.stopped, .toMinus): false
        case (.opened, .toPlus), (.opened, .toMinus): false
        default: true
        }
    }

    /// The next state and the actions, in order, for `event` in `state` (RFC 1661 section 4.1).
    public static func transition(from state: State, on event: Event) -> (State, [Action]) {
        switch event {
        case .up:
            switch state {
            case .initial: (.closed, [])
            case .starting: (.reqSent, [.irc, .scr])
            default: (state, [])
            }
        case .down:
            switch state {
            case .closed: (.initial, [])
            case .stopped: (.starting, [.tls])
            case .closing: (.initial, [])
            case .stopping, .reqSent, .ackRcvd, .ackSent: (.starting, [])
            case .opened: (.starting, [.tld])
            case .initial, .starting: (state, [])
            }
        case .open:
            switch state {
            case .initial: (.starting, [.tls])
            case .starting: (.starting, [])
            case .closed: (.reqSent, [.irc, .scr])
            case .stopped: (.stopped, [])
            case .closing: (.stopping, [])
            case .stopping, .reqSent, .ackRcvd, .ackSent, .opened: (state, [])
            }
        case .close:
            switch state {
            case .initial: (.initial, [])
            case .starting: (.initial, [.tlf])
            case .closed, .stopped: (.closed, [])
            case .closing, .stopping: (.closing, [])
            case .reqSent, .ackRcvd, .ackSent: (.closing, [.irc, .str])
            case .opened: (.closing, [.tld, .irc, .str])
            }
        case .toPlus:
            switch state {
            case .closing: (.closing, [.str])
            case .stopping: (.stopping, [.str])
            case .reqSent, .ackRcvd: (.reqSent, [.scr])
            case .ackSent: (.ackSent, [.scr])
            default: (state, [])
            }
        case .toMinus:
            switch state {
            case .closing: (.closed, [.tlf])
            case .stopping, .reqSent, .ackRcvd, .ackSent: (.stopped, [.tlf])
            default: (state, [])
            }
        case .rcrPlus:
            switch state {
            case .closed: (.closed, [.sta])
            case .stopped: (.ackSent, [.irc, .scr, .sca])
            case .closing, .stopping: (state, [])
            case .reqSent, .ackSent: (.ackSent, [.sca])
            case .ackRcvd: (.opened, [.sca, .tlu])
            case .opened: (.ackSent, [.tld, .scr, .sca])
            case .initial, .starting: (state, [])
            }
        case .rcrMinus:
            switch state {
            case .closed: (.closed, [.sta])
            case .stopped: (.reqSent, [.irc, .scr, .scn])
            case .closing, .stopping: (state, [])
            case .reqSent, .ackSent: (.reqSent, [.scn])
            case .ackRcvd: (.ackRcvd, [.scn])
            case .opened: (.reqSent, [.tld, .scr, .scn])
            case .initial, .starting: (state, [])
            }
        case .rca:
            switch state {
            case .closed, .stopped: (state, [.sta])
            case .closing, .stopping: (state, [])
            case .reqSent: (.ackRcvd, [.irc])
            case .ackRcvd: (.reqSent, [.scr])
            case .ackSent: (.opened, [.irc, .tlu])
            case .opened: (.reqSent, [.tld, .scr])
            case .initial, .starting: (state, [])
            }
        case .rcn:
            switch state {
            case .closed, .stopped: (state, [.sta])
            case .closing, .stopping: (state, [])
            case .reqSent: (.reqSent, [.irc, .scr])
            case .ackRcvd: (.reqSent, [.scr])
            case .ackSent: (.ackSent, [.irc, .scr])
            case .opened: (.reqSent, [.tld, .scr])
            case .initial, .starting: (state, [])
            }
        case .rtr:
            switch state {
            case .closed, .stopped, .closing, .stopping: (state, [.sta])
            case .reqSent, .ackRcvd, .ackSent: (.reqSent, [.sta])
            case .opened: (.stopping, [.tld, .zrc, .sta])
            case .initial, .starting: (state, [])
            }
        case .rta:
            switch state {
            case .closed, .stopped: (state, [])
            case .closing: (.closed, [.tlf])
            case .stopping: (.stopped, [.tlf])
            case .reqSent, .ackRcvd: (.reqSent, [])
            case .ackSent: (.ackSent, [])
            case .opened: (.reqSent, [.tld, .scr])
            case .initial, .starting: (state, [])
            }
        case .ruc:
            switch state {
            case .initial, .starting: (state, [])
            default: (state, [.scj])
            }
        case .rxjPlus:
            switch state {
            case .ackRcvd: (.reqSent, [])
            default: (state, [])
            }
        case .rxjMinus:
            switch state {
            case .closed, .closing: (.closed, [.tlf])
            case .stopped, .stopping, .reqSent, .ackRcvd, .ackSent: (.stopped, [.tlf])
            case .opened: (.stopping, [.tld, .irc, .str])
            case .initial, .starting: (state, [])
            }
        case .rxr:
            switch state {
            case .opened: (.opened, [.ser])
            default: (state, [])
            }
        }
    }
}
