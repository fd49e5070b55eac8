import FTTHCore
import SNMPModel

/// Maps SNMP failures onto the driver's error codes, keeping the SNMP text.
enum OLTSNMPErrors {
    static func map(_ error: any Error, olt: String) -> OLTDriverError {
        if let e = error as? OLTDriverError { return e }
        guard let e = error as? SNMPError else {
            return OLTDriverError(.unexpectedResponse, olt: olt, message: "\(error)")
        }
        switch e.code {
        case .timeout:
            return OLTDriverError(
                .unreachable, olt: olt,
                message:
                    "no SNMP answer (\(e.message)); check that the OLT is reachable on UDP, the community or v3 user, and the OLT's SNMP ACL"
            )
        case .authenticationFailure, .decryptionFailure:
            return OLTDriverError(
                .authenticationFailed, olt: olt,
                message:
                    "SNMP authentication failed (\(e.message)); check the v3 user, protocols and keys in the OLT config"
            )
        case .noSuchObject, .noSuchInstance, .endOfMibView:
            return OLTDriverError(.notFound, olt: olt, message: e.description)
        case .agentError, .tooBig:
            return OLTDriverError(.rejected, olt: olt, message: e.message, deviceText: e.description)
        case .transport:
            return OLTDriverError(.unreachable, olt: olt, message: e.description)
        case .invalidRequest:
            return OLTDriverError(.invalidInput, olt: olt, message: e.description)
        }
    }
}

/// Checks of values before they are sent to an OLT in any form (SNMP strings, CLI words).
enum CommandValueCheck {
    static func name(_ value: String, olt: String) throws {
        guard !value.isEmpty, value.count <= 64,
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw OLTDriverError(
                .invalidInput, olt: olt,
                message:
                    "test ONU name '\(value.debugDescription)' may hold only letters, digits, '-', '_' and '.' (at most 64); nothing was sent"
            )
        }
    }

    static func profile(_ value: String, olt: String) throws {
        guard !value.isEmpty, value.count <= 32,
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw OLTDriverError(
                .invalidInput, olt: olt,
                message:
                    "profile name '\(value.debugDescription)' may hold only letters, digits, '-', '_' and '.' (at most 32); nothing was sent"
            )
        }
    }
}
