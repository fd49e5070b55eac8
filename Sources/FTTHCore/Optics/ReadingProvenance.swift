import Foundation

/// When and how a port's powers were read: a crew sees every reading with its time and source,
/// never a cached value passed off as live.
public struct ReadingProvenance: Sendable, Hashable, Codable {
    /// How the daemon reached the OLT for the reading.
    public enum Transport: String, Sendable, Hashable, Codable {
        case snmp
        case cli
    }

    public var readAt: Date
    /// The driver that read them (`10.0.0.1 (huawei-snmp udp:10.0.0.1:161)`), as ``PONOptics/source``.
    public var source: String

    public init(readAt: Date, source: String) {
        self.readAt = readAt
        self.source = source
    }

    /// SNMP for the SNMP drivers (their source names `-snmp`), the CLI (Telnet or SSH) otherwise.
    public var transport: Transport { source.contains("-snmp") ? .snmp : .cli }
}

extension PONOptics {
    /// When and how these optics were read.
    public var provenance: ReadingProvenance { ReadingProvenance(readAt: readAt, source: source) }
}
