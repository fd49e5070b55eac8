#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What failed in the probe's link (libpcap, the TUN device, the interface), where, and what to
/// try. The `code` is stable for a caller to match; the description is for the person at the probe.
public struct PPPoELinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which part failed.
    public enum Code: String, Sendable {
        /// libpcap could not open or set up the interface.
        case pcapOpen = "pcap_open"
        /// The BPF filter for PPPoE did not compile or install.
        case pcapFilter = "pcap_filter"
        /// Reading or sending a frame failed.
        case pcapIO = "pcap_io"
        /// The interface's own address or MTU could not be read.
        case interface
        /// The TUN device could not be created or configured.
        case tun
        /// A route through the TUN device could not be added.
        case route
    }

    public var code: Code
    /// The whole sentence: what failed, on which interface, and what to try.
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// The C library's message for a negated errno value returned by the CTun functions.
func errnoText(_ negated: Int32) -> String {
    guard let text = strerror(-negated) else { return "error \(-negated)" }
    return String(cString: text)
}
