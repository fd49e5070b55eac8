internal import CNetSNMP
import SNMPModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// net-snmp's process-wide state: initialized once, and every call into it serialized.
enum NetSNMPLibrary {
    /// Held around every call into net-snmp. This build has no internal locking
    /// (`NETSNMP_REENTRANT` is off) and keeps process-wide state (request ids, the USM user table),
    /// so the dispatcher threads of several clients, and key derivation on callers' threads, take
    /// turns. It is never held while waiting for the network.
    static let lock = Mutex<Void>(())

    /// Whether SNMPv3 privacy with DES works in this net-snmp/OpenSSL build.
    static var desAvailable: Bool {
        initialize()
        return desSelfTest
    }

    /// Sets `MIBS` to empty (Debian ships no MIB files) and calls `init_snmp` once per process.
    static func initialize() {
        _ = initialized
    }

    private static let initialized: Bool = {
        setenv("MIBS", "", 1)
        lock.withLock { _ in ftth_netsnmp_init("ftth-snmp") }
        return true
    }()

    private static let desSelfTest: Bool = lock.withLock { _ in ftth_des_available() != 0 }

    /// The text of a net-snmp library error code (`SNMPERR_*`), e.g. "Unknown host (foo)".
    static func errorText(_ code: Int32) -> String {
        guard code != SNMPERR_SUCCESS else { return "net-snmp gave no reason" }
        guard let text = snmp_api_errstring(code) else { return "net-snmp error \(code)" }
        return String(cString: text)
    }

    /// The text of an errno value.
    static func systemErrorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// RFC 3414 password-to-key (`generate_Ku`) into a local buffer: the session struct's key
    /// array must not be passed to C while the struct itself is borrowed.
    static func localKey(passphrase: Secret, authProtocolCode: Int32) -> [UInt8]? {
        initialize()
        return lock.withLock { _ -> [UInt8]? in
            var protocolLength = 0
            guard let hash = ftth_auth_protocol(authProtocolCode, &protocolLength) else { return nil }
            var key = [UInt8](repeating: 0, count: Int(USM_AUTH_KU_LEN))
            var keyLength = key.count
            let passphraseBytes = Array(passphrase.value.utf8)
            let status = passphraseBytes.withUnsafeBufferPointer { pass in
                key.withUnsafeMutableBufferPointer { out in
                    generate_Ku(
                        hash, UInt32(protocolLength), pass.baseAddress, pass.count, out.baseAddress, &keyLength)
                }
            }
            guard status == SNMPERR_SUCCESS, keyLength > 0, keyLength <= key.count else { return nil }
            return Array(key.prefix(keyLength))
        }
    }
}
