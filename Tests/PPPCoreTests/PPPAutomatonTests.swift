import PPPCore
import Testing

/// RFC 1661 section 4.1's state transition table, copied cell by cell (states 0-9 left to right,
/// "r" restart options dropped, "x" crossed-connection notes dropped, "-" = cannot happen).
private let rfc1661Table = """
    up       2         irc,scr/6  -          -            -      -      -          -          -          -
    down     -         -          0          tls/1        0      1      1          1          1          tld/1
    open     tls/1     1          irc,scr/6  3            5      5      6          7          8          9
    close    0         tlf/0      2          2            4      4      irc,str/4  irc,str/4  irc,str/4  tld,irc,str/4
    toPlus   -         -          -          -            str/4  str/5  scr/6      scr/6      scr/8      -
    toMinus  -         -          -          -            tlf/2  tlf/3  tlf/3      tlf/3      tlf/3      -
    rcrPlus  -         -          sta/2      irc,scr,sca/8 4     5      sca/8      sca,tlu/9  sca/8      tld,scr,sca/8
    rcrMinus -         -          sta/2      irc,scr,scn/6 4     5      scn/6      scn/7      scn/6      tld,scr,scn/6
    rca      -         -          sta/2      sta/3        4      5      irc/7      scr/6      irc,tlu/9  tld,scr/6
    rcn      -         -          sta/2      sta/3        4      5      irc,scr/6  scr/6      irc,scr/8  tld,scr/6
    rtr      -         -          sta/2      sta/3        sta/4  sta/5  sta/6      sta/6      sta/6      tld,zrc,sta/5
    rta      -         -          2          3            tlf/2  tlf/3  6          6          8          tld,scr/6
    ruc      -         -          scj/2      scj/3        scj/4  scj/5  scj/6      scj/7      scj/8      scj/9
    rxjPlus  -         -          2          3            4      5      6          6          8          9
    rxjMinus -         -          tlf/2      tlf/3        tlf/2  tlf/3  tlf/3      tlf/3      tlf/3      tld,irc,str/5
    rxr      -         -          2          3            4      5      6          7          8          ser/9
    """

private struct Cell: Sendable, CustomStringConvertible {
    var state: PPPAutomaton.State
    var event: PPPAutomaton.Event
    var expected: String

    var description: String { "\(event) in \(state) → \(expected)" }
}

private let states = PPPAutomaton.State.allCases

private let cells: [Cell] = rfc1661Table.split(separator: "\n").flatMap { line -> [Cell] in
    let fields = line.split(separator: " ").map(String.init)
    let event = PPPAutomaton.Event(rawValue: fields[0])!
    return zip(states, fields.dropFirst()).map { Cell(state: $0, event: event, expected: $1) }
}

@Suite struct PPPAutomatonTests {
    @Test func tableCoversEveryStateAndEvent() {
        #expect(cells.count == PPPAutomaton.State.allCases.count * PPPAutomaton.Event.allCases.count)
    }

    @Test(arguments: cells)
    fileprivate func cellMatchesRFC1661(_ cell: Cell) {
        let (next, actions) = PPPAutomaton.transition(from: cell.state, on: cell.event)
        if cell.expected == "-" {
            #expect(!PPPAutomaton.isDefined(cell.state, cell.event))
            #expect(next == cell.state && actions.isEmpty)
            return
        }
        #expect(PPPAutomaton.isDefined(cell.state, cell.event))
        let parts = cell.expected.split(separator: "/")
        let expectedActions = parts.count == 2 ? parts[0].split(separator: ",").map(String.init) : []
        let expectedState = states[Int(parts.last!)!]
        #expect(next == expectedState)
        #expect(actions.map(\.rawValue) == expectedActions)
    }
}
