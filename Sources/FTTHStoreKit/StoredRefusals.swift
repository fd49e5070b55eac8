import FTTHCore
import Foundation

/// What every store refuses in the same words: a second active run, an import that would
/// overload a PON port or repeat a project, a service result that does not fit its test. One
/// definition, so a crew reads the same refusal whichever store the daemon keeps.
package enum StoredRefusals {
    /// A test started on a port whose run is still active.
    package static func alreadyBeingTested(_ key: PortKey, _ active: TestRun) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "\(key) is already being tested (run \(active.id), \(active.step.rawValue) since \(active.updatedAt)); wait for it or cancel it"
        )
    }

    /// A project of the file imported before.
    package static func projectAlreadyImported(_ code: String, on created: Date, at location: CSVLocation)
        -> StoreError
    {
        StoreError.conflict(
            location: location,
            message:
                "project \(code) was already imported on \(created.formatted(.iso8601)); remove its rows from the file (changing an imported project is not supported yet)"
        )
    }

    /// The key of a PON port in ``addedLoads(_:)``.
    package static func ponKey(_ olt: ManagementAddress, _ pon: PONAddress) -> String { "\(olt.text) \(pon)" }

    /// What an import adds to one PON port, and where in the file its first splitter is.
    package struct PONLoad {
        package var splitters = 0
        package var ports = 0
        package var location: CSVLocation
    }

    /// What the plan adds to each PON port, by ``ponKey(_:_:)``.
    package static func addedLoads(_ plan: ProjectImportPlan) -> [String: PONLoad] {
        var added: [String: PONLoad] = [:]
        for entry in plan.splitters {
            let key = ponKey(entry.value.olt, entry.value.pon)
            var load =
                added[key]
                ?? PONLoad(location: CSVLocation(file: entry.location.file, line: entry.location.line, column: "pon"))
            load.splitters += 1
            load.ports += entry.value.portCount
            added[key] = load
        }
        return added
    }

    /// Refuses an import that would take a PON port over the plan's limits, counting what is
    /// stored on it already.
    package static func checkPONLimits(
        _ plan: ProjectImportPlan, olt: ManagementAddress, pon: PONAddress, load: PONLoad, storedSplitters: Int,
        storedPorts: Int
    ) throws(StoreError) {
        guard
            let problem = plan.limits.ponProblem(
                olt: olt, pon: pon, splitters: storedSplitters + load.splitters, ports: storedPorts + load.ports)
        else { return }
        throw StoreError.conflict(
            location: load.location,
            message: "\(problem) (\(storedSplitters) splitter(s) with \(storedPorts) port(s) are stored on it already)")
    }

    /// A second result for a service test under the same key, with another body.
    package static func serviceResultWithAnotherBody(_ id: Int64, key: String) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "service test \(id) already has a result under Idempotency-Key \(key) with another body; send a new key only for a new measurement, and a repeat with the same body"
        )
    }

    /// A second result for a service test, without the first one's key.
    package static func serviceResultAlreadyRecorded(_ id: Int64) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "service test \(id) already has a result; a repeated upload must carry the first upload's Idempotency-Key"
        )
    }

    /// A result for a service test that ended without one.
    package static func serviceTestEnded(_ id: Int64, port: PortKey) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "service test \(id) has ended without this result (its port test was cancelled or its wait ran out); start a new test of \(port)"
        )
    }
}
