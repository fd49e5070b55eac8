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

/// The ONUs configured on a PON port, read from a serial column and a name column that share
/// their row index (…column.ponIndex.onuID): the Huawei and ZTE tables have this shape.
enum ConfiguredONUTable {
    static func read(_ snmp: any SNMPRequester, serials: OID, names: OID) async throws -> [ONUEntry] {
        let serialRows = try await snmp.walk(serials, maxRepetitions: 32)
        let nameRows = try await snmp.walk(names, maxRepetitions: 32)
        var nameByID: [UInt32: String] = [:]
        for b in nameRows {
            if let id = b.oid.components.last { nameByID[id] = b.value.stringValue ?? "" }
        }
        return serialRows.compactMap { b in
            guard let id = b.oid.components.last else { return nil }
            return ONUEntry(onuID: Int(id), serial: serial(b.value), name: nameByID[id] ?? "")
        }.sorted { $0.onuID < $1.onuID }
    }

    /// Both vendors store the SN as 8 octets: four vendor letters and four bytes.
    static func serial(_ value: SNMPValue) -> ONUSerial? {
        guard case .octetString(let bytes) = value else { return nil }
        return ONUSerial(octets: bytes)
    }
}
