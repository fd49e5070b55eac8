/// Why a dial or a session failed, in terms a crew can act on.
public enum PPPoEFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No acceptable PADO after every PADI.
    case noAccessConcentrator(attempts: Int, serviceName: String, acName: String?)
    /// A PADO carried an error tag (Service-Name-Error, AC-System-Error, Generic-Error).
    case padoError(tag: String, text: String)
    /// The PADS carried an error tag or no session id.
    case padsError(tag: String, text: String)
    /// The PADR was never answered.
    case noSessionConfirmation(acName: String)
    /// LCP did not reach the opened state.
    case lcpNotConverged
    /// PAP Authenticate-Nak or CHAP Failure: the server's message.
    case authenticationRejected(message: String)
    /// The authenticator never answered (or never challenged).
    case authTimeout
    /// IPCP did not reach the opened state, or gave no address.
    case ipcpNotConverged
    /// The peer stopped answering LCP Echo-Requests.
    case echoTimeout(misses: Int)
    /// The peer ended the session: a PADT, or an LCP Terminate-Request.
    case linkLost(reason: String)

    /// A stable snake_case code for reports and APIs.
    public var code: String {
        switch self {
        case .noAccessConcentrator: "no_access_concentrator"
        case .padoError: "pado_error"
        case .padsError: "pads_error"
        case .noSessionConfirmation: "no_session_confirmation"
        case .lcpNotConverged: "lcp_not_converged"
        case .authenticationRejected: "auth_rejected"
        case .authTimeout: "auth_timeout"
        case .ipcpNotConverged: "ipcp_not_converged"
        case .echoTimeout: "echo_timeout"
        case .linkLost: "link_lost"
        }
    }

    /// What happened and what to try, in one or two sentences.
    public var description: String {
        switch self {
        case .noAccessConcentrator(let attempts, let service, let acName):
            let asked = service.isEmpty ? "any service" : "service \"\(service)\""
            let ac = acName.map { " from AC \"\($0)\"" } ?? ""
            return "no access concentrator answered \(attempts) PADIs for \(asked)\(ac): check that the ONT "
                + "is online and bridged to this port, the VLAN, and the service name"
        case .padoError(let tag, let text):
            return "the access concentrator refused discovery with \(tag) \"\(text)\": check the service name"
        case .padsError(let tag, let text):
            return "the access concentrator refused the session with \(tag) \"\(text)\": check the service "
                + "name and whether the AC has free sessions"
        case .noSessionConfirmation(let acName):
            return "access concentrator \"\(acName)\" offered a session but never confirmed it (no PADS): "
                + "retry; if it repeats, the AC may be overloaded"
        case .lcpNotConverged:
            return "LCP negotiation with the access concentrator did not complete: retry, then check the "
                + "MRU and the BRAS's PPP profile"
        case .authenticationRejected(let message):
            let text = message.isEmpty ? "no message" : "\"\(message)\""
            return "the server rejected the test account (\(text)): check the username and password"
        case .authTimeout:
            return "the server never completed authentication: retry; check that the BRAS reaches its RADIUS"
        case .ipcpNotConverged:
            return "IPCP did not give this session an address: check the account's IP pool on the BRAS"
        case .echoTimeout(let misses):
            return "the session stopped answering after \(misses) LCP echo requests: the line or the BRAS "
                + "dropped it; check the ONT and the fibre, then dial again"
        case .linkLost(let reason):
            return "the session was ended by the other side (\(reason)): dial again; if it repeats, ask "
                + "the BRAS operator why"
        }
    }
}
