import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore {
    public func importProjects(
        _ plan: ProjectImportPlan, namingRule: ONUNamingRule, source: String, at: Date,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> ImportSummary {
        try await write("importing \(source)") { db in
            var summary = ImportSummary()
            var oltIDs: [ManagementAddress: (id: Int64, olt: OLT)] = [:]
            for entry in plan.olts {
                let olt = entry.value
                if let row = try await db.row("SELECT id, name, dialect FROM olts WHERE address = \(olt.address.text)")
                {
                    let storedName: String = try row["name"]
                    let storedDialect: String = try row["dialect"]
                    guard storedName == olt.name, storedDialect == olt.dialect.rawValue else {
                        throw StoreError.conflict(
                            location: entry.location,
                            message:
                                "OLT \(olt.address) is stored as '\(storedName)' (\(storedDialect)) but the file says '\(olt.name)' (\(olt.dialect.rawValue)); correct the file to match, or fix the OLT record first"
                        )
                    }
                    oltIDs[olt.address] = (try row["id"], olt)
                } else {
                    let id = try await db.value(
                        """
                        INSERT INTO olts (address, name, dialect)
                        VALUES (\(olt.address.text), \(olt.name), \(olt.dialect.rawValue)) RETURNING id
                        """, as: Int64.self)
                    oltIDs[olt.address] = (id!, olt)
                    summary.olts += 1
                }
            }
            var ponIDs: [String: Int64] = [:]
            let ponKey = StoredRefusals.ponKey
            for entry in plan.ponPorts {
                let pon = entry.value
                let oltID = oltIDs[pon.olt]!.id
                if let row = try await db.row(
                    """
                    SELECT id, svlan FROM pon_ports WHERE olt_id = \(oltID) AND frame = \(pon.address.frame)
                        AND slot = \(pon.address.slot) AND port = \(pon.address.port)
                    """)
                {
                    let storedSVLAN: Int = try row["svlan"]
                    guard storedSVLAN == pon.svlan.value else {
                        throw StoreError.conflict(
                            location: entry.location,
                            message:
                                "PON port \(pon.address) of OLT \(pon.olt) is stored with SVLAN \(storedSVLAN) but the file says \(pon.svlan); the SVLAN comes from the PON port, so correct the file"
                        )
                    }
                    ponIDs[ponKey(pon.olt, pon.address)] = try row["id"]
                } else {
                    ponIDs[ponKey(pon.olt, pon.address)] = try await db.value(
                        """
                        INSERT INTO pon_ports (olt_id, frame, slot, port, svlan)
                        VALUES (\(oltID), \(pon.address.frame), \(pon.address.slot), \(pon.address.port), \(pon.svlan.value))
                        RETURNING id
                        """, as: Int64.self)
                    summary.ponPorts += 1
                }
            }
            // What each PON port will carry, stored and imported together, within the plan's limits.
            let added = StoredRefusals.addedLoads(plan)
            for entry in plan.ponPorts {
                let pon = entry.value
                guard let load = added[ponKey(pon.olt, pon.address)], let ponID = ponIDs[ponKey(pon.olt, pon.address)]
                else { continue }
                let stored = try await db.row(
                    "SELECT COUNT(*) AS n, COALESCE(SUM(port_count), 0)::bigint AS ports FROM splitters WHERE pon_port_id = \(ponID)"
                )
                let storedSplitters: Int = try stored?["n"] ?? 0
                let storedPorts: Int = try stored?["ports"] ?? 0
                try StoredRefusals.checkPONLimits(
                    plan, olt: pon.olt, pon: pon.address, load: load, storedSplitters: storedSplitters,
                    storedPorts: storedPorts)
            }
            var projectIDs: [String: Int64] = [:]
            for entry in plan.projects {
                let project = entry.value
                if let created = try await db.value(
                    "SELECT created_at FROM projects WHERE code = \(project.code)", as: Date.self)
                {
                    throw StoredRefusals.projectAlreadyImported(project.code, on: created, at: entry.location)
                }
                let id = try await db.value(
                    """
                    INSERT INTO projects (code, name, acceptance_required, state, created_at, service_test)
                    VALUES (\(project.code), \(project.name), \(project.acceptanceRequired), \(project.state.rawValue),
                        \(at), \(project.serviceTest))
                    RETURNING id
                    """, as: Int64.self)!
                projectIDs[project.code] = id
                try await db.execute(
                    """
                    INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
                    VALUES (\(id), \(at), 'imported', '', \(project.state.rawValue), 'import', \(source))
                    """)
                summary.projects += 1
            }
            let total = plan.portCount
            var written = 0
            for entry in plan.splitters {
                let splitter = entry.value
                let ponID = ponIDs[ponKey(splitter.olt, splitter.pon)]!
                let index =
                    try await db.value(
                        "SELECT COALESCE(MAX(pon_index), 0) + 1 FROM splitters WHERE pon_port_id = \(ponID)",
                        as: Int.self)
                    ?? 1
                let splitterID = try await db.value(
                    """
                    INSERT INTO splitters (project_id, pon_port_id, name, ratio, port_count, pon_index, plan_mbps,
                        design_json)
                    VALUES (\(projectIDs[splitter.projectCode]!), \(ponID), \(splitter.name), \(splitter.ratio.outputs),
                        \(splitter.portCount), \(index), \(splitter.planMbps), \(StoredForm.design(splitter.design)))
                    RETURNING id
                    """, as: Int64.self)!
                summary.splitters += 1
                let olt = oltIDs[splitter.olt]!.olt
                var names: [String] = []
                for number in 1...splitter.portCount {
                    let context = ONUNameContext(
                        projectCode: splitter.projectCode, oltName: olt.name, oltAddress: olt.address,
                        pon: splitter.pon, splitterName: splitter.name, splitterIndex: index, port: number)
                    do {
                        names.append(try namingRule.name(for: context, dialect: olt.dialect))
                    } catch let e as ONUNamingError {
                        throw StoreError.naming(entry.location, e)
                    }
                }
                // One round trip per splitter, not per port. The first port whose name is taken,
                // by a stored port or by an earlier port of this splitter, is reported, as a
                // port-by-port check would.
                var clashes: [(port: Int, message: String)] = []
                for clash in try await db.rows(
                    """
                    SELECT p.code, s.name, sp.number, sp.onu_name FROM splitter_ports sp
                    JOIN splitters s ON s.id = sp.splitter_id JOIN projects p ON p.id = s.project_id
                    WHERE sp.onu_name = ANY(\(names))
                    """)
                {
                    let name: String = try clash["onu_name"]
                    let code: String = try clash["code"]
                    let other: String = try clash["name"]
                    let otherPort: Int = try clash["number"]
                    let port = (names.firstIndex(of: name) ?? 0) + 1
                    clashes.append((port, "\(code) / \(other) / port \(otherPort)"))
                }
                for (offset, name) in names.enumerated() where names.firstIndex(of: name)! != offset {
                    let first = names.firstIndex(of: name)! + 1
                    clashes.append((offset + 1, "\(splitter.projectCode) / \(splitter.name) / port \(first)"))
                }
                if let clash = clashes.min(by: { $0.port < $1.port }) {
                    throw StoreError.conflict(
                        location: entry.location,
                        message:
                            "test ONU name '\(names[clash.port - 1])' for port \(clash.port) is already given to \(clash.message); make the naming template tell them apart"
                    )
                }
                let numbers = Array(1...splitter.portCount)
                try await db.execute(
                    """
                    INSERT INTO splitter_ports (splitter_id, number, onu_name)
                    SELECT \(splitterID), n, name FROM unnest(\(numbers)::bigint[], \(names)::text[]) AS t(n, name)
                    """)
                let before = written
                written += names.count
                if written / 1000 != before / 1000 { progress?(written, total) }
            }
            summary.ports = written
            try await Self.recordImport(db, kind: "projects", source: source, at: at, summary: "\(summary)")
            return summary
        }
    }

    static func recordImport(_ db: PostgresConnection, kind: String, source: String, at: Date, summary: String)
        async throws
    {
        try await db.execute(
            "INSERT INTO imports (at, kind, source, summary) VALUES (\(at), \(kind), \(source), \(summary))")
    }

    public func importCVLANRanges(_ input: CVLANRangeImport, source: String, at: Date) async throws -> Int {
        try await write("importing CVLAN ranges from \(source)") { db in
            let stored = try await Self.storedRanges(db)
            for entry in input.ranges {
                let range = entry.value
                if stored.contains(where: { $0.name == range.name }) {
                    throw StoreError.conflict(
                        location: entry.location, message: "a CVLAN range named '\(range.name)' is already stored")
                }
                if let overlap = stored.first(where: {
                    $0.olt == range.olt && $0.first <= range.last && range.first <= $0.last
                }) {
                    throw StoreError.conflict(
                        location: entry.location, message: "range \(range) overlaps stored range \(overlap)")
                }
                try await db.execute(
                    """
                    INSERT INTO cvlan_ranges (name, olt_address, first, last)
                    VALUES (\(range.name), \(range.olt?.text), \(range.first.value), \(range.last.value))
                    """)
            }
            try await Self.recordImport(
                db, kind: "cvlan_ranges", source: source, at: at, summary: "\(input.ranges.count) ranges")
            return input.ranges.count
        }
    }

    public func importTestAccounts(_ input: TestAccountImport, source: String, at: Date) async throws -> Int {
        try await write("importing test accounts from \(source)") { db in
            for entry in input.accounts {
                if try await db.row("SELECT 1 FROM test_accounts WHERE username = \(entry.value.username)") != nil {
                    throw StoreError.conflict(
                        location: entry.location,
                        message: "test account '\(entry.value.username)' is already in the pool")
                }
                let sealed = try self.key.seal(entry.value.password, context: entry.value.username)
                try await db.execute(
                    """
                    INSERT INTO test_accounts (username, password, created_at)
                    VALUES (\(entry.value.username), \(sealed), \(at))
                    """)
            }
            try await Self.recordImport(
                db, kind: "test_accounts", source: source, at: at, summary: "\(input.accounts.count) accounts")
            return input.accounts.count
        }
    }
}
