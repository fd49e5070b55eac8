internal import CNetSNMP
import SNMPModel

/// The client's failures, worded for whoever reads them at night: which agent, what failed, what
/// to check. Built from the configuration's secret-free description only.
extension SNMPError {
    static func timeout(_ configuration: AgentConfiguration, operation: SNMPOperation) -> SNMPError {
        let attempts = configuration.retries + 1
        let total = configuration.timeoutMilliseconds * attempts
        var message =
            "no response to \(operation.name) within \(total) ms (\(configuration.timeoutMilliseconds) ms × "
            + "\(attempts) \(attempts == 1 ? "try" : "tries")): check that the agent is up and reachable over UDP "
            + "from this host and that its access list allows this host"
        if let usm = configuration.usm {
            message +=
                ", and that user '\(usm.user)' exists on the agent with these authentication and privacy "
                + "settings (\(usm.levelName)); an agent drops requests it cannot decrypt, so a wrong privacy key "
                + "or protocol also ends here"
        } else {
            message += ", and that the community is right: agents drop requests with a wrong community silently"
        }
        return SNMPError(
            .timeout, target: configuration.description, oid: operation.bindings.first?.oid, message: message)
    }

    static func discoveryTimeout(_ configuration: AgentConfiguration) -> SNMPError {
        let attempts = configuration.retries + 1
        let total = configuration.timeoutMilliseconds * attempts
        return SNMPError(
            .timeout, target: configuration.description,
            message:
                "no answer to SNMPv3 engine ID discovery within \(total) ms "
                + "(\(configuration.timeoutMilliseconds) ms × \(attempts)): check that the agent is up, "
                + "reachable over UDP from this host, allows this host, and has SNMPv3 enabled")
    }

    static func shutDown(_ description: String) -> SNMPError {
        SNMPError(
            .transport, target: description,
            message: "the SNMP client was shut down before the request completed; no answer will be read")
    }

    /// A Report PDU (RFC 3414 USM counters) in answer to a request.
    static func report(_ type: Int32, reportOID: OID?, configuration: AgentConfiguration) -> SNMPError {
        let user = configuration.usm?.user ?? "?"
        let level = configuration.usm?.levelName ?? "?"
        let counter = reportOID.map { " (\($0))" } ?? ""
        let description = configuration.description
        switch type {
        case SNMPERR_AUTHENTICATION_FAILURE:
            return SNMPError(
                .authenticationFailure, target: description,
                message:
                    "SNMPv3 authentication failed for user '\(user)': the agent reported usmStatsWrongDigests"
                    + "\(counter); check the authentication key and protocol (MD5/SHA/SHA-256) configured for "
                    + "this user here and on the OLT")
        case SNMPERR_UNKNOWN_USER_NAME:
            return SNMPError(
                .authenticationFailure, target: description,
                message:
                    "the agent does not know SNMPv3 user '\(user)' (usmStatsUnknownUserNames\(counter)); "
                    + "check the user name here and on the OLT")
        case SNMPERR_UNSUPPORTED_SEC_LEVEL:
            return SNMPError(
                .authenticationFailure, target: description,
                message:
                    "SNMPv3 user '\(user)' is not configured for \(level) on the agent "
                    + "(usmStatsUnsupportedSecLevels\(counter)); configure the same security level on both sides")
        case SNMPERR_NOT_IN_TIME_WINDOW:
            return SNMPError(
                .authenticationFailure, target: description,
                message:
                    "the agent keeps rejecting requests of user '\(user)' as outside its time window "
                    + "(usmStatsNotInTimeWindows\(counter)); the agent may have restarted: retry")
        case SNMPERR_DECRYPTION_ERR:
            return SNMPError(
                .decryptionFailure, target: description,
                message:
                    "the agent could not decrypt the request of SNMPv3 user '\(user)' "
                    + "(usmStatsDecryptionErrors\(counter)); check the privacy key and protocol (DES/AES)")
        case SNMPERR_UNKNOWN_ENG_ID:
            return SNMPError(
                .authenticationFailure, target: description,
                message:
                    "the agent reported an unknown engine ID (usmStatsUnknownEngineIDs\(counter)); it may have "
                    + "been replaced or reset: the next request discovers its engine ID again")
        default:
            // snmpUnavailableContexts (…12.1.4) and snmpUnknownContexts (…12.1.5), RFC 3412.
            if let reportOID, ["1.3.6.1.6.3.12.1.4", "1.3.6.1.6.3.12.1.5"].contains(where: reportOID.isWithin) {
                return SNMPError(
                    .agentError, target: description,
                    message:
                        "the agent does not serve SNMPv3 context '\(configuration.usm?.context ?? "")' "
                        + "(snmpUnknownContexts/snmpUnavailableContexts\(counter)); check the context name")
            }
            return SNMPError(
                .agentError, target: description,
                message:
                    "the agent answered with a Report\(counter) instead of a Response "
                    + "(\(NetSNMPLibrary.errorText(type))); check the SNMPv3 settings of user '\(user)'")
        }
    }

    /// net-snmp refused to send or open: its library error and errno.
    static func netSNMP(
        _ code: Int32, systemError: Int32, configuration: AgentConfiguration, operation: SNMPOperation?, action: String
    ) -> SNMPError {
        let description = configuration.description
        let oid = operation?.bindings.first?.oid
        let system = systemError != 0 ? " (\(NetSNMPLibrary.systemErrorText(systemError)))" : ""
        switch code {
        case SNMPERR_BAD_ADDRESS:
            return SNMPError(
                .transport, target: description,
                message:
                    "\(action): cannot resolve or use the agent's address \(configuration.peerName)\(system); "
                    + "check the host name (or use the OLT's IP address)")
        case SNMPERR_TOO_LONG:
            return SNMPError(
                .tooBig, target: description, oid: oid,
                message:
                    "\(action): the \(operation?.name ?? "request") would not fit in one UDP message; "
                    + "ask for fewer OIDs at once")
        case SNMPERR_BAD_SENDTO, SNMPERR_BAD_RECVFROM, SNMPERR_NO_SOCKET, SNMPERR_BAD_LOCPORT:
            return SNMPError(
                .transport, target: description, oid: oid,
                message:
                    "\(action): \(NetSNMPLibrary.errorText(code))\(system); check this host's network, "
                    + "routing and firewall towards the agent")
        case SNMPERR_BAD_REPETITIONS, SNMPERR_BAD_REPEATERS, SNMPERR_V2_IN_V1, SNMPERR_BAD_ASN1_BUILD,
            SNMPERR_VAR_TYPE, SNMPERR_NO_VARS:
            return SNMPError(
                .invalidRequest, target: description, oid: oid,
                message: "\(action): net-snmp rejected the request: \(NetSNMPLibrary.errorText(code))")
        default:
            return SNMPError(
                .transport, target: description, oid: oid,
                message: "\(action): \(NetSNMPLibrary.errorText(code))\(system)")
        }
    }

    /// A Response with a non-zero error-status.
    static func agent(
        _ response: SNMPResponse, operation: SNMPOperation, description: String
    ) -> SNMPError {
        let status = response.errorStatus
        let index = response.errorIndex
        let oid =
            index >= 1 && index <= operation.bindings.count ? operation.bindings[index - 1].oid : nil
        let name = SNMPError.statusName(status)
        if status == 1 {
            return SNMPError(
                .tooBig, target: description, oid: oid, errorStatus: status, errorIndex: index,
                message:
                    "the agent answered \(operation.name) with tooBig: the response would not fit in one message; "
                    + "ask for fewer OIDs or repetitions")
        }
        var hint = ""
        switch status {
        case 4, 6, 16, 17:
            hint = ": the object is not writable with these credentials; check the write community or user's access"
        case 7, 8, 10:
            hint = ": the value's type or length does not suit this object"
        case 2:
            hint = ": the agent has no such object"
        default:
            break
        }
        let at = index > 0 ? " at binding \(index)" : ""
        return SNMPError(
            .agentError, target: description, oid: oid, errorStatus: status, errorIndex: index,
            message: "the agent answered \(operation.name) with error-status \(name) (\(status))\(at)\(hint)")
    }
}
