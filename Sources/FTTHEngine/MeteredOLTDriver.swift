import FTTHCore
import FTTHMetrics

/// An ``OLTDriverProvider`` whose drivers time every operation and count its failures by OLT,
/// dialect and operation (``FTTHMetrics/OLTMetrics``): every OLT command the engine sends
/// passes here, whatever the transport.
public struct MeteredOLTDriverProvider: OLTDriverProvider {
    let inner: any OLTDriverProvider
    let metrics: OLTMetrics

    /// The drivers of `inner`, measured into `metrics`.
    public init(_ inner: any OLTDriverProvider, metrics: OLTMetrics) {
        self.inner = inner
        self.metrics = metrics
    }

    public func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        MeteredOLTDriver(try inner.driver(for: olt, dialect: dialect), olt: olt, dialect: dialect, metrics: metrics)
    }

    public func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
        inner.provisioningProfiles(for: olt)
    }
}

/// A driver that times each operation of `inner` on a monotonic clock and counts its failures.
/// An operation cancelled with its task (SIGTERM) is neither: it says nothing about the OLT.
public struct MeteredOLTDriver: OLTDriver {
    let inner: any OLTDriver
    let olt: ManagementAddress
    let dialect: VendorDialect
    let metrics: OLTMetrics

    /// Measures `inner`, the driver of `olt` in `dialect`, into `metrics`.
    public init(_ inner: any OLTDriver, olt: ManagementAddress, dialect: VendorDialect, metrics: OLTMetrics) {
        self.inner = inner
        self.olt = olt
        self.dialect = dialect
        self.metrics = metrics
    }

    public var description: String { inner.description }

    func measured<T: Sendable>(_ operation: OLTOperation, _ body: () async throws -> T) async throws -> T {
        let stopwatch = Stopwatch(ContinuousClock())
        do {
            let result = try await body()
            metrics.command(olt: olt, dialect: dialect, operation: operation, took: stopwatch.elapsed(), error: nil)
            return result
        } catch {
            if !(error is CancellationError) && !Task.isCancelled {
                metrics.command(
                    olt: olt, dialect: dialect, operation: operation, took: stopwatch.elapsed(), error: error)
            }
            throw error
        }
    }

    public func readOptics(pon: PONAddress, onuIDs: [Int]?) async throws -> PONOptics {
        try await measured(.readOptics) { try await inner.readOptics(pon: pon, onuIDs: onuIDs) }
    }

    public func readOptics(pon: PONAddress, onuIDs: [Int], knownOnline: Set<Int>) async throws -> PONOptics {
        try await measured(.readOptics) {
            try await inner.readOptics(pon: pon, onuIDs: onuIDs, knownOnline: knownOnline)
        }
    }

    public func runState(pon: PONAddress, onuID: Int) async throws -> ONURunState {
        try await measured(.runState) { try await inner.runState(pon: pon, onuID: onuID) }
    }

    public func listONUs(pon: PONAddress) async throws -> [ONUEntry] {
        try await measured(.listONUs) { try await inner.listONUs(pon: pon) }
    }

    public func provision(_ spec: TestONUSpec) async throws -> Int {
        try await measured(.provision) { try await inner.provision(spec) }
    }

    public func remove(pon: PONAddress, onuID: Int) async throws {
        try await measured(.remove) { try await inner.remove(pon: pon, onuID: onuID) }
    }
}
