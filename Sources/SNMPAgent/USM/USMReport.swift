import SNMPModel

/// The usmStats counters (RFC 3414 §5) that USM reports carry.
enum USMReport {
    static let unsupportedSecurityLevels: OID = "1.3.6.1.6.3.15.1.1.1.0"
    static let notInTimeWindows: OID = "1.3.6.1.6.3.15.1.1.2.0"
    static let unknownUserNames: OID = "1.3.6.1.6.3.15.1.1.3.0"
    static let unknownEngineIDs: OID = "1.3.6.1.6.3.15.1.1.4.0"
    static let wrongDigests: OID = "1.3.6.1.6.3.15.1.1.5.0"
    static let decryptionErrors: OID = "1.3.6.1.6.3.15.1.1.6.0"
}
