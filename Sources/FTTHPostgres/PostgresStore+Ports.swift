import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

/// The port rows every part of the store reads and writes: loaded with their OLT and project,
/// moved by ``PortWorkflow``, their history appended.
extension PostgresStore {
    struct LoadedPort: Sendable {
        var id: Int64
        var row: ActivationListRow
        var oltID: Int64
    }

    static let portSelect = """
        SELECT sp.id, p.code, s.name AS splitter, sp.number, o.address, o.name AS olt_name, o.dialect,
            pp.frame, pp.slot, pp.port, pp.svlan, pp.olt_id, sp.onu_name, sp.cvlan, sp.onu_serial, sp.onu_password,
            sp.activation, sp.line_verdict, sp.service_verdict, sp.awaiting_retest, p.service_test, s.plan_mbps
        FROM splitter_ports sp
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        JOIN pon_ports pp ON pp.id = s.pon_port_id
        JOIN olts o ON o.id = pp.olt_id
        """

    /// A port's overall verdict in SQL, as ``PortVerdict/overall`` decides it: the line verdict
    /// alone, or line ∧ service when the project needs a service test (`sp`, `p` in scope).
    static let overallSQL = """
        (CASE WHEN NOT p.service_test THEN sp.line_verdict
            WHEN sp.line_verdict = 'fail' OR sp.service_verdict = 'fail' THEN 'fail'
            WHEN sp.line_verdict = 'pass' AND sp.service_verdict = 'pass' THEN 'pass' END)
        """

    /// One activation-list row from a ``portSelect`` row. A stored value that no longer parses
    /// (an address, a VLAN out of range) is an error naming the port's row, never a crash.
    static func activationRow(_ row: Row) throws -> ActivationListRow {
        let id: Int64 = try row["id"]
        func corrupt(_ problem: String) -> StoreError {
            StoreError.corruptRow(table: "splitter_ports", id: id, problem: problem)
        }
        let line: String? = try row["line_verdict"]
        let service: String? = try row["service_verdict"]
        let activation: String = try row["activation"]
        let workflow = PortWorkflow(
            activation: ActivationStatus(rawValue: activation) ?? .notActivated,
            verdict: PortVerdict(
                line: line.flatMap(Verdict.init(rawValue:)), service: service.flatMap(Verdict.init(rawValue:)),
                serviceRequired: try row["service_test"]),
            awaitingRetest: try row["awaiting_retest"])
        let address: String = try row["address"]
        guard let olt = ManagementAddress(address) else {
            throw corrupt("its OLT address '\(address)' is not an IP address")
        }
        let dialectName: String = try row["dialect"]
        guard let dialect = VendorDialect(rawValue: dialectName) else {
            throw corrupt("its OLT's dialect '\(dialectName)' is unknown")
        }
        let svlanValue: Int = try row["svlan"]
        guard let svlan = VLANID(svlanValue) else {
            throw corrupt("its PON port's SVLAN \(svlanValue) is outside 1–4094")
        }
        let cvlan: Int? = try row["cvlan"]
        let serial: String? = try row["onu_serial"]
        return ActivationListRow(
            key: PortKey(projectCode: try row["code"], splitter: try row["splitter"], port: try row["number"]),
            olt: olt,
            oltName: try row["olt_name"],
            dialect: dialect,
            pon: PONAddress(frame: try row["frame"], slot: try row["slot"], port: try row["port"]),
            onuName: try row["onu_name"],
            svlan: svlan,
            cvlan: cvlan.flatMap(VLANID.init),
            onuSerial: serial.flatMap(ONUSerial.init),
            onuPassword: try row["onu_password"],
            workflow: workflow)
    }

    /// The port `key` with its row locked until the transaction ends (`FOR UPDATE OF sp`): two
    /// daemons moving one port's workflow go one after the other.
    static func loadPort(_ db: PostgresConnection, _ key: PortKey) async throws -> LoadedPort {
        guard
            let row = try await db.row(
                PostgresQuery(
                    portSelect,
                    "WHERE p.code = \(key.projectCode) AND s.name = \(key.splitter) AND sp.number = \(key.port) FOR UPDATE OF sp"
                ))
        else {
            throw StoreError.notFound("port \(key)")
        }
        return LoadedPort(id: try row["id"], row: try activationRow(row), oltID: try row["olt_id"])
    }

    static func storedRanges(_ db: PostgresConnection) async throws -> [CVLANRange] {
        try await db.rows("SELECT id, name, olt_address, first, last FROM cvlan_ranges ORDER BY first").map { row in
            let first: Int = try row["first"]
            let last: Int = try row["last"]
            guard let first = VLANID(first), let last = VLANID(last) else {
                throw StoreError.corruptRow(
                    table: "cvlan_ranges", id: try row["id"], problem: "its VLANs are outside 1–4094")
            }
            let olt: String? = try row["olt_address"]
            return CVLANRange(name: try row["name"], olt: olt.flatMap(ManagementAddress.init), first: first, last: last)
        }
    }

    /// The port's CVLAN: the one it holds, else the lowest free one on its OLT and SVLAN,
    /// written to the port so no other port can take it (the unique index settles a race
    /// between two daemons: the loser's transaction is retried and picks the next one).
    static func reserveCVLAN(_ db: PostgresConnection, _ port: LoadedPort, key: PortKey, configuredRanges: [CVLANRange])
        async throws -> VLANID
    {
        if let held = port.row.cvlan { return held }
        let inUse: [Int] = try await db.rows(
            """
            SELECT cvlan FROM splitter_ports
            WHERE cvlan_olt_id = \(port.oltID) AND cvlan_svlan = \(port.row.svlan.value) AND cvlan IS NOT NULL
            """
        ).map { try $0["cvlan"] }
        let allocator = CVLANAllocator(ranges: configuredRanges + (try await storedRanges(db)))
        let cvlan: VLANID
        do {
            cvlan = try allocator.allocate(
                olt: port.row.olt, svlan: port.row.svlan, inUse: Set(inUse.compactMap(VLANID.init)))
        } catch let e as CVLANAllocationError {
            throw StoreError.cvlan(key, e)
        }
        try await db.execute(
            """
            UPDATE splitter_ports SET cvlan = \(cvlan.value), cvlan_olt_id = \(port.oltID),
                cvlan_svlan = \(port.row.svlan.value) WHERE id = \(port.id)
            """)
        return cvlan
    }

    static func apply(_ event: PortEvent, to port: LoadedPort, key: PortKey) throws -> PortWorkflow {
        var workflow = port.row.workflow
        do {
            try workflow.apply(event)
        } catch let t as IllegalTransition {
            throw StoreError.illegalTransition(key, t)
        }
        return workflow
    }

    static func save(_ db: PostgresConnection, _ workflow: PortWorkflow, portID: Int64) async throws {
        try await db.execute(
            """
            UPDATE splitter_ports SET activation = \(workflow.activation.rawValue),
                line_verdict = \(workflow.verdict.line?.rawValue), service_verdict = \(workflow.verdict.service?.rawValue),
                awaiting_retest = \(workflow.awaitingRetest)
            WHERE id = \(portID)
            """)
    }

    /// Appends to the port's history.
    static func event(
        _ db: PostgresConnection, portID: Int64, at: Date, _ event: String, _ detail: String, actor: String? = nil
    ) async throws {
        try await db.execute(
            """
            INSERT INTO port_events (port_id, at, event, detail, actor)
            VALUES (\(portID), \(at), \(event), \(detail), \(actor))
            """)
    }

    /// The id of project `code`; throws `notFound`.
    static func projectID(_ db: PostgresConnection, _ code: String) async throws -> Int64 {
        guard let id = try await db.value("SELECT id FROM projects WHERE code = \(code)", as: Int64.self) else {
            throw StoreError.notFound("project \(code)")
        }
        return id
    }
}
