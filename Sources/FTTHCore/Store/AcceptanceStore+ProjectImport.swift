import Foundation

extension ProjectImportPlan {
    /// The plan cut into one plan per project, in the file's order: each holds its project, its
    /// splitters and the OLTs and PON ports they hang on, so that each can be written in a
    /// transaction of its own.
    public var byProject: [ProjectImportPlan] {
        var splittersOf: [String: [Located<SplitterEntry>]] = [:]
        for splitter in splitters { splittersOf[splitter.value.projectCode, default: []].append(splitter) }
        return projects.map { project in
            let own = splittersOf[project.value.code] ?? []
            let oltAddresses = Set(own.map(\.value.olt))
            let ponKeys = Set(own.map { PONKey(olt: $0.value.olt, pon: $0.value.pon) })
            return ProjectImportPlan(
                projects: [project], olts: olts.filter { oltAddresses.contains($0.value.address) },
                ponPorts: ponPorts.filter { ponKeys.contains(PONKey(olt: $0.value.olt, pon: $0.value.address)) },
                splitters: own, limits: limits)
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

/// An import that stopped part-way: the projects before `failedProject` are stored whole (each
/// was its own transaction), `failedProject` and the ones after it are not stored at all.
public struct PartialImportError: Error, Sendable, CustomStringConvertible {
    /// Codes of the projects that were written, in the file's order.
    public var imported: [String]
    /// The project whose transaction failed and was rolled back.
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
    /// Writes a validated export one project per transaction, so that other requests get the
    /// store between two projects and a project is never half-written: a project is the unit an
    /// import writes whole or not at all. Projects already stored are refused before anything
    /// is written. Each project's ports get their test ONU passwords under `policy` right after
    /// it. `afterEach` runs between two projects' transactions (progress, a test's gate).
    ///
    /// Throws ``PartialImportError`` when a project's transaction fails (a conflict with stored
    /// data found while writing); a store error before anything was written is thrown as it is.
    public func importProjectsByProject(
        _ plan: ProjectImportPlan, namingRule: ONUNamingRule, source: String, at: Date,
        policy: ActivationPolicy,
        afterEach: (@Sendable (ImportProgress) async throws -> Void)? = nil
    ) async throws -> ImportSummary {
        for entry in plan.projects {
            if let stored = try await project(entry.value.code) {
                throw StoreError.conflict(
                    location: entry.location,
                    message:
                        "project \(stored.project.code) was already imported (state \(stored.project.state.rawValue)); remove its rows from the file (changing an imported project is not supported yet)"
                )
            }
        }
        var total = ImportSummary()
        var imported: [String] = []
        let parts = plan.byProject
        for (i, part) in parts.enumerated() {
            let code = part.projects[0].value.code
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
                    imported: imported, failedProject: code, notImported: parts.count - i, cause: error)
            }
            imported.append(code)
            total.onuPasswords += try await assignONUPasswords(for: part, policy: policy, at: at)
            try await afterEach?(
                ImportProgress(
                    projects: i + 1, totalProjects: parts.count, ports: total.ports, totalPorts: plan.portCount,
                    lastProject: code))
        }
        return total
    }
}
