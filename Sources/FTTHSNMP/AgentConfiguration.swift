internal import CNetSNMP
import SNMPModel

/// A validated ``SNMPTarget`` in the form the dispatcher hands net-snmp: the peer name, the
/// version, and for v3 the keys already derived from the passphrases.
struct AgentConfiguration: Sendable {
    /// The agent, without secrets, for messages.
    let description: String
    /// `udp:10.0.0.1:161`, `udp6:[2001:db8::1]:161`.
    let peerName: String
    /// `SNMP_VERSION_1`, `SNMP_VERSION_2c` or `SNMP_VERSION_3`.
    let version: Int
    let community: [UInt8]
    let usm: USM?
    let timeoutMilliseconds: Int
    let retries: Int
    let maxInFlight: Int

    /// SNMPv3 user-based security, keys derived (Ku, not yet localized to the agent's engine).
    struct USM: Sendable {
        let user: String
        let context: String
        /// `SNMP_SEC_LEVEL_*`.
        let level: Int32
        /// `ftth_auth_protocol` code: 0 none, 1 MD5, 2 SHA-1, 3 SHA-256.
        let authProtocol: Int32
        let authKey: [UInt8]
        /// `ftth_priv_protocol` code: 0 none, 1 DES, 2 AES-128.
        let privProtocol: Int32
        let privKey: [UInt8]
        let levelName: String
    }

    var isV1: Bool { version == Int(SNMP_VERSION_1) }

    /// Validates `target` and derives v3 keys. Throws ``SNMPError/Code/invalidRequest`` with what to
    /// fix; never mentions a secret.
    init(target: SNMPTarget, maxInFlight: Int) throws(SNMPError) {
        let description = target.description
        func invalid(_ message: String) -> SNMPError {
            SNMPError(.invalidRequest, target: description, message: message)
        }
        let host = target.host.trimmingCharacters(inSet: " \t\r\n")
        guard !host.isEmpty, host == target.host else {
            throw invalid("the agent's host is empty or has spaces around it; set the OLT's address")
        }
        guard (1...65535).contains(target.port) else {
            throw invalid("UDP port \(target.port) is out of range; SNMP agents listen on 161 unless told otherwise")
        }
        guard target.timeoutMilliseconds >= 1 else {
            throw invalid("timeout of \(target.timeoutMilliseconds) ms is not positive; 2000 ms suits most OLTs")
        }
        guard target.retries >= 0 else {
            throw invalid("retries of \(target.retries) is negative; use 0 or more")
        }
        guard maxInFlight >= 1 else {
            throw invalid("maxInFlight of \(maxInFlight) would never send anything; use 1 or more (4 protects OLTs)")
        }
        self.description = description
        self.peerName = host.contains(":") ? "udp6:[\(host)]:\(target.port)" : "udp:\(host):\(target.port)"
        self.timeoutMilliseconds = target.timeoutMilliseconds
        self.retries = target.retries
        self.maxInFlight = maxInFlight

        switch target.credentials {
        case .v1(let community), .v2c(let community):
            guard !community.value.isEmpty else {
                throw invalid("the community is empty; set the OLT's read community")
            }
            if case .v1 = target.credentials {
                version = Int(SNMP_VERSION_1)
            } else {
                version = Int(SNMP_VERSION_2c)
            }
            self.community = Array(community.value.utf8)
            usm = nil
        case .v3(let security):
            version = Int(SNMP_VERSION_3)
            community = []
            usm = try Self.usm(security, invalid: invalid)
        }
    }

    private static func usm(_ security: SNMPv3Security, invalid: (String) -> SNMPError) throws(SNMPError) -> USM {
        let user = security.user
        guard !user.isEmpty, user.utf8.count <= 32 else {
            throw invalid("the SNMPv3 user name must have 1 to 32 characters (RFC 3414)")
        }
        var authProtocol: Int32 = 0
        var authKey: [UInt8] = []
        var privProtocol: Int32 = 0
        var privKey: [UInt8] = []
        if let auth = security.auth {
            authProtocol =
                switch auth.protocol {
                case .md5: 1
                case .sha: 2
                case .sha256: 3
                }
            guard auth.key.value.utf8.count >= 8 else {
                throw invalid(
                    "the authentication key of SNMPv3 user '\(user)' is shorter than 8 characters; "
                        + "USM (RFC 3414) needs at least 8: check the configured key")
            }
            guard let key = NetSNMPLibrary.localKey(passphrase: auth.key, authProtocolCode: authProtocol) else {
                throw invalid(
                    "net-snmp could not derive a \(auth.protocol.rawValue) key for SNMPv3 user '\(user)'; "
                        + "check that this net-snmp build supports \(auth.protocol.rawValue)")
            }
            authKey = key
        }
        if let priv = security.priv {
            switch priv.protocol {
            case .des:
                guard NetSNMPLibrary.desAvailable else {
                    throw invalid(
                        "DES privacy for SNMPv3 user '\(user)' is not available in this net-snmp/OpenSSL build; "
                            + "configure the user for AES on the OLT and here")
                }
                privProtocol = 1
            case .aes:
                privProtocol = 2
            }
            guard priv.key.value.utf8.count >= 8 else {
                throw invalid(
                    "the privacy key of SNMPv3 user '\(user)' is shorter than 8 characters; "
                        + "USM (RFC 3414) needs at least 8: check the configured key")
            }
            // net-snmp derives the privacy Ku with the authentication hash, as RFC 3414 and 3826 do.
            guard let key = NetSNMPLibrary.localKey(passphrase: priv.key, authProtocolCode: authProtocol) else {
                throw invalid("net-snmp could not derive the privacy key for SNMPv3 user '\(user)'")
            }
            privKey = key
        }
        let level: Int32 =
            switch security.level {
            case .noAuthNoPriv: Int32(SNMP_SEC_LEVEL_NOAUTH)
            case .authNoPriv: Int32(SNMP_SEC_LEVEL_AUTHNOPRIV)
            case .authPriv: Int32(SNMP_SEC_LEVEL_AUTHPRIV)
            }
        return USM(
            user: user, context: security.context, level: level, authProtocol: authProtocol, authKey: authKey,
            privProtocol: privProtocol, privKey: privKey, levelName: security.level.rawValue)
    }
}

extension String {
    /// Without leading and trailing characters of `set` (no Foundation in this module).
    fileprivate func trimmingCharacters(inSet set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
