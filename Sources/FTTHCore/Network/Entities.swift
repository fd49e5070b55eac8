/// An OLT, identified by its management address. OLTs are shared by every project built on them.
public struct OLT: Sendable, Hashable, Codable {
    public var name: String
    public var address: ManagementAddress
    public var dialect: VendorDialect

    public init(name: String, address: ManagementAddress, dialect: VendorDialect) {
        self.name = name
        self.address = address
        self.dialect = dialect
    }
}

/// A GPON port of an OLT and the SVLAN its test ONUs' service-ports carry.
public struct PONPort: Sendable, Hashable, Codable {
    public var olt: ManagementAddress
    public var address: PONAddress
    public var svlan: VLANID

    public init(olt: ManagementAddress, address: PONAddress, svlan: VLANID) {
        self.olt = olt
        self.address = address
        self.svlan = svlan
    }
}

/// A last-level splitter of a project, on one PON port, with ports 1…`portCount`.
public struct Splitter: Sendable, Hashable, Codable {
    /// The name the resource system gives it (may be any text, Chinese included).
    public var name: String
    public var ratio: SplitRatio
    /// How many of its outputs are under test; at most `ratio.outputs`.
    public var portCount: Int
    public var olt: ManagementAddress
    public var pon: PONAddress
    /// 1-based ordinal of this splitter on its PON port, fixed when it is first stored; used by
    /// the ONU naming rule because splitter names are free text.
    public var index: Int

    public init(
        name: String, ratio: SplitRatio, portCount: Int, olt: ManagementAddress, pon: PONAddress, index: Int
    ) {
        self.name = name
        self.ratio = ratio
        self.portCount = portCount
        self.olt = olt
        self.pon = pon
        self.index = index
    }
}

/// A project (工程) as entered by the resource system.
public struct Project: Sendable, Hashable, Codable {
    /// The resource system's project code; unique.
    public var code: String
    public var name: String
    /// 100 % for new builds with splitters; projects without splitters may skip the test.
    public var acceptanceRequired: Bool
    public var state: ProjectState

    public init(code: String, name: String, acceptanceRequired: Bool, state: ProjectState = .entered) {
        self.code = code
        self.name = name
        self.acceptanceRequired = acceptanceRequired
        self.state = state
    }
}

/// A PPPoE test account from the city's pool.
public struct TestAccount: Sendable, Hashable, Codable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}
