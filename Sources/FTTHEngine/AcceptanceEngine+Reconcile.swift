import FTTHCore
import FTTHMetrics
import Foundation

/// What reconciliation found and did.
public struct ReconcileReport: Sendable, Hashable {
    /// Test ONUs found on an OLT for ports that are not activated in the store: removed.
    public var removed: [PortKey] = []
    /// Ports activated in the store whose test ONU is not on the OLT: flagged in their history.
    public var missing: [PortKey] = []
    /// OLTs or PON ports that could not be read, with the reason; looked at again next time.
    public var unreadable: [String] = []

    public init() {}
}

/// What a project's deactivation did.
public struct DeactivationReport: Sendable, Hashable {
    public var deactivated: [PortKey] = []
    /// Ports whose test ONU could not be removed, with the reason; they stay activated.
    public var failed: [(PortKey, String)] = []

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.deactivated == b.deactivated && a.failed.map(\.0) == b.failed.map(\.0)
            && a.failed.map(\.1) == b.failed.map(\.1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(deactivated)
        for (key, reason) in failed {
            hasher.combine(key)
            hasher.combine(reason)
        }
    }
}

extension AcceptanceEngine {
    /// Compares the OLTs with the store, at start-up before ``resume()``: a test ONU on an OLT
    /// whose port the store does not hold activated (nor under test) is removed, and so is one
    /// of an activated port that none of its runs holds (an ONU of an earlier test with another
    /// serial); an activated port whose test ONU is gone is flagged. ONUs whose names are not
    /// test ONU names (customers) are never touched.
    public func reconcile() async throws -> ReconcileReport {
        var report = ReconcileReport()
        let active = Set(try await store.activeTestRuns().map(\.port.key))
        var byPON: [String: [ActivationListRow]] = [:]
        for project in try await store.projects() {
            // One project whose rows cannot be read (a corrupt row) does not stop the others.
            do {
                for row in try await store.activationList(projectCode: project.project.code) {
                    byPON["\(row.olt)|\(row.pon)", default: []].append(row)
                }
            } catch {
                report.unreadable.append("project \(project.project.code): \(error)")
            }
        }
        for key in byPON.keys.sorted() {
            let rows = byPON[key]!
            let first = rows[0]
            let onus: [ONUEntry]
            let driver: any OLTDriver
            do {
                driver = try drivers.driver(for: first.olt, dialect: first.dialect)
                onus = try await limiter.withSlot(first.olt) { try await driver.listONUs(pon: first.pon) }
            } catch {
                report.unreadable.append("OLT \(first.olt) PON \(first.pon): \(error)")
                continue
            }
            for row in rows where !active.contains(row.key) {
                let named = onus.filter { $0.name == row.onuName }
                let activated = row.workflow.activation == .activated
                let runs = try await store.testRuns(row.key)
                let held = Set(runs.filter(\.holdsTestONU).compactMap(\.onuID))
                if activated, named.isEmpty {
                    report.missing.append(row.key)
                    try await store.notePort(
                        row.key, event: "activation_missing",
                        detail:
                            "test ONU \(row.onuName) is not on OLT \(row.olt) PON \(row.pon); activate the port again or deactivate it",
                        at: now())
                    continue
                }
                let strays = TestONUAccount.strays(
                    onus, testONUName: row.onuName, activated: activated, held: held)
                guard !strays.isEmpty, try await isStillStray(row.key, activated: activated) else { continue }
                for found in strays {
                    do {
                        try await limiter.withSlot(row.olt) {
                            try await driver.remove(pon: row.pon, onuID: found.onuID)
                        }
                        report.removed.append(row.key)
                        try await store.notePort(
                            row.key, event: "stray_test_onu_removed",
                            detail:
                                "test ONU \(row.onuName) (ONU \(found.onuID)\(found.serial.map { ", serial \($0)" } ?? "")) was on OLT \(row.olt) PON \(row.pon) without an activation that holds it; removed",
                            at: now())
                    } catch {
                        report.unreadable.append("OLT \(row.olt) PON \(row.pon) ONU \(found.onuID): \(error)")
                    }
                }
                // Runs that still say they hold one of the removed ONUs no longer do.
                let removedIDs = Set(strays.map(\.onuID))
                let released = runs.filter { $0.holdsTestONU && removedIDs.contains($0.onuID ?? -1) }.map(\.id)
                try await store.recordTestONUsRemoved(
                    runIDs: released, detail: "removed by reconciliation as a stray", at: now())
            }
        }
        return report
    }

    /// Whether `key` still has no test running and the activation it had when the OLT was read,
    /// read afresh: the API serves while reconciliation reads the OLTs, so a test begun meanwhile
    /// has provisioned the ONU that the first look took for a stray.
    func isStillStray(_ key: PortKey, activated: Bool) async throws -> Bool {
        if try await store.activeTestRuns().contains(where: { $0.port.key == key }) { return false }
        let row = try await store.activationList(projectCode: key.projectCode).first { $0.key == key }
        return (row?.workflow.activation == .activated) == activated
    }

    /// Removes every test ONU of a project from its OLTs and records the deactivations (DESIGN
    /// §2 step 5, after approval). A port whose ONU cannot be removed stays activated and is
    /// named in the report; running it again finishes the job.
    public func deactivate(projectCode: String) async throws -> DeactivationReport {
        var report = DeactivationReport()
        for row in try await store.activationList(projectCode: projectCode) where row.workflow.activation == .activated
        {
            do {
                try await deactivatePort(row)
                report.deactivated.append(row.key)
            } catch {
                report.failed.append((row.key, "\(error)"))
            }
        }
        return report
    }

    /// Removes one port's test ONUs from its OLT (found by name) and records the deactivation.
    public func deactivatePort(_ row: ActivationListRow) async throws {
        let stopwatch = Stopwatch(clock)
        do {
            try await removeTestONUs(row)
            metrics.step(.removal, .ok, took: stopwatch.elapsed())
        } catch {
            metrics.step(.removal, .error, took: stopwatch.elapsed())
            throw error
        }
    }

    func removeTestONUs(_ row: ActivationListRow) async throws {
        let driver = try drivers.driver(for: row.olt, dialect: row.dialect)
        // Removed by name, never by a remembered id alone: the id may belong to another ONU by
        // now, and a customer's ONU must never be touched.
        // Every ONU with the test name goes, however many earlier tests left.
        let onus = try await limiter.withSlot(row.olt) { try await driver.listONUs(pon: row.pon) }
        for onu in TestONUAccount.strays(onus, testONUName: row.onuName, activated: false, held: []) {
            try await limiter.withSlot(row.olt) { try await driver.remove(pon: row.pon, onuID: onu.onuID) }
            configuration.checkpoint?(.removed, row.key)
        }
        try await store.recordDeactivation(row.key, at: now())
    }
}
