import SNMPModel

/// One SNMP request as the dispatcher sends it: the PDU type and its bindings.
struct SNMPOperation: Sendable {
    enum Kind: Sendable, Equatable {
        case get
        case getNext
        case getBulk(nonRepeaters: Int, maxRepetitions: Int)
        case set
    }

    var kind: Kind
    /// For GET, GETNEXT and GETBULK the values are ignored (sent as NULL).
    var bindings: [VarBind]

    /// `GET`, `GETNEXT`, … for messages.
    var name: String {
        switch kind {
        case .get: "GET"
        case .getNext: "GETNEXT"
        case .getBulk: "GETBULK"
        case .set: "SET"
        }
    }
}

/// The agent's answer: error-status, error-index and the bindings, undecoded by meaning.
struct SNMPResponse: Sendable {
    var errorStatus: Int
    var errorIndex: Int
    var bindings: [VarBind]
}

/// Resumed once, on the dispatcher thread, with the response or the failure.
typealias ResponseContinuation = CheckedContinuation<Result<SNMPResponse, SNMPError>, Never>
