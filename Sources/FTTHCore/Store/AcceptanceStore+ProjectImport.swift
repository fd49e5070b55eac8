import Foundation

extension ProjectImportPlan {
    /// The plan cut into plans of whole projects, in the file's order, each with at most
    /// `maxPorts` ports unless a single project has more: each holds its projects, their
    /// splitters and the OLTs and PON ports they hang on, to be written in a transaction of its
    /// own. `maxPorts` 0 gives one plan per project.
    public func batches(maxPorts: Int) -> [ProjectImportPlan] {
        var splittersOf: [String: [Located<SplitterEntry>]] = [:]
        for splitter in splitters { splittersOf[splitter.value.projectCode, default: []].append(splitter) }
        var groups: [[Located<Project>]] = []
        var ports = 0
        for project in projects {
            let own = splittersOf[project.value.code]?.reduce(0) { $0 + $1.value.portCount } ?? 0
            if groups.isEmpty || ports + own > maxPorts {
                groups.append([])
                ports = 0
            }
            groups[groups.count - 1].append(project)
            ports += own
        }
        let oltByAddress = Dictionary(olts.map { ($0.value.address, $0) }, uniquingKeysWith: { a, _ in a })
        let ponByKey = Dictionary(
            ponPorts.map { (PONKey(olt: $0.value.olt, pon: $0.value.address), $0) }, uniquingKeysWith: { a, _ in a })
        return groups.map { group in
            let own = group.flatMap { splittersOf[$0.value.code] ?? [] }
            var oltOrder: [ManagementAddress] = []
            var seenOLTs: Set<ManagementAddress> = []
            var ponOrder: [PONKey] = []
            var seenPONs: Set<PONKey> = []
            for splitter in own {
                if seenOLTs.insert(splitter.value.olt).inserted { oltOrder.append(splitter.value.olt) }
                let key = PONKey(olt: splitter.value.olt, pon: splitter.value.pon)
                if seenPONs.insert(key).inserted { ponOrder.append(key) }
            }
            return ProjectImportPlan(
                projects: group, olts: oltOrder.compactMap { oltByAddress[$0] },
                ponPorts: ponOrder.compactMap { ponByKey[$0] }, splitters: own, limits: limits)
        }
    }
}

/// How far an import has come, after each project's transaction.
public struct ImportProgress: Sendable, Hashable {
    /// Projects written so far, and in the file.
    public var projects: Int
    public var totalProjects: Int
    /// Ports written so far, and in the file.
    public var ports: Int
    public var totalPorts: Int
    /// The project just written.
    public var lastProject: String
}

/// An import that stopped part-way: the projects before `failedProject` are stored whole (their
/// transactions committed), `failedProject` and the ones after it are not stored at all (the
/// failed transaction, which may have held a few small projects, was rolled back).
public struct PartialImportError: Error, Sendable, CustomStringConvertible {
    /// Codes of the projects that were written, in the file's order.
    public var imported: [String]
    /// The first project of the transaction that failed and was rolled back.
    public var failedProject: String
    /// How many projects, the failed one included, were not written.
    public var notImported: Int
    /// Why the failed project's transaction was rolled back.
    public var cause: StoreError

    public var code: String { cause.code }

    /// What was and was not written, and what to do about it.
    public var summary: String {
        if imported.isEmpty { return "nothing was imported" }
        let shown = imported.prefix(10).joined(separator: ", ") + (imported.count > 10 ? ", …" : "")
        return
            "\(imported.count) project(s) were imported whole (\(shown)); \(failedProject) and the \(notImported - 1) after it were not: remove the imported projects' rows from the file, correct it and import the rest"
    }

    public var description: String { "\(cause); \(summary)" }
}

extension AcceptanceStore {
    /// Writes a validated export in transactions of whole projects (one project, or several
    /// small ones up to `batchPorts` ports), so that other requests get the store between two
    /// transactions and a project is never half-written: a project is the unit an import writes
    /// whole or not at all. Projects already stored are refused before anything is written.
    /// Each transaction's ports get their test ONU passwords under `policy` right after it.
    /// `afterEach` runs between two transactions (progress, a test's gate).
    ///
    /// Throws ``PartialImportError`` when a project's transaction fails (a conflict with stored
    /// data found while writing); a store error before anything was written is thrown as it is.
    public func importProjectsByProject(
        _ plan: ProjectImportPlan, namingRule: ONUNamingRule, source: String, at: Date,
        policy: ActivationPolicy, batchPorts: Int = 2048,
        afterEach: (@Sendable (ImportProgress) async throws -> Void)? = nil
    ) async throws -> ImportSummary {
        let stored = try await storedProjectCodes(among: plan.projects.map(\.value.code))
        if let entry = plan.projects.first(where: { stored.contains($0.value.code) }) {
            throw StoreError.conflict(
                location: entry.location,
                message:
                    "project \(entry.value.code) was already imported\(stored.count > 1 ? " (and \(stored.count - 1) more of the file)" : ""); remove their rows from the file (changing an imported project is not supported yet)"
            )
        }
        var total = ImportSummary()
        var imported: [String] = []
        let parts = plan.batches(maxPorts: batchPorts)
        var written = 0
        for part in parts {
            let codes = part.projects.map(\.value.code)
            do {
                let summary = try await importProjects(
                    part, namingRule: namingRule, source: source, at: at, progress: nil)
                total.projects += summary.projects
                total.olts += summary.olts
                total.ponPorts += summary.ponPorts
                total.splitters += summary.splitters
                total.ports += summary.ports
            } catch let error as StoreError {
                if imported.isEmpty { throw error }
                throw PartialImportError(
                    imported: imported, failedProject: codes[0], notImported: plan.projects.count - written,
                    cause: error)
            }
            imported += codes
            written += codes.count
            total.onuPasswords += try await assignONUPasswords(for: part, policy: policy, at: at)
            try await afterEach?(
                ImportProgress(
                    projects: written, totalProjects: plan.projects.count, ports: total.ports,
                    totalPorts: plan.portCount, lastProject: codes[codes.count - 1]))
        }
        return total
    }
}
