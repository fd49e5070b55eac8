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
    /// Whether each port test includes a service test (PPPoE dial and throughput), imported as
    /// `service_test`; the port's overall verdict is then line ∧ service.
    public var serviceTest: Bool

    public init(
        code: String, name: String, acceptanceRequired: Bool, state: ProjectState = .entered, serviceTest: Bool = false
    ) {
        self.code = code
        self.name = name
        self.acceptanceRequired = acceptanceRequired
        self.state = state
        self.serviceTest = serviceTest
    }

    enum CodingKeys: String, CodingKey { case code, name, acceptanceRequired, state, serviceTest }

    /// Reads a project; one written before service tests existed has none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        acceptanceRequired = try c.decode(Bool.self, forKey: .acceptanceRequired)
        state = try c.decode(ProjectState.self, forKey: .state)
        serviceTest = try c.decodeIfPresent(Bool.self, forKey: .serviceTest) ?? false
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
