import CLIModel
import CoreMetrics
import FTTHCore
import FTTHMetrics
import SNMPModel

/// An SNMP session that counts the requests to its OLT that got no answer
/// (``FTTHMetrics/FTTHMetric/snmpTimeouts``); everything else passes through untouched.
struct MeteredSNMPRequester: SNMPRequester {
    let inner: any SNMPRequester
    let olt: ManagementAddress
    let metrics: OLTMetrics

    var targetDescription: String { inner.targetDescription }

    func counted<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SNMPError where error.code == .timeout {
            metrics.snmpTimeout(olt: olt)
            throw error
        }
    }

    func get(_ oids: [OID]) async throws -> [VarBind] {
        try await counted { try await inner.get(oids) }
    }

    func getNext(_ oids: [OID]) async throws -> [VarBind] {
        try await counted { try await inner.getNext(oids) }
    }

    func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws -> [VarBind] {
        try await counted { try await inner.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions) }
    }

    func walk(_ root: OID, maxRepetitions: Int) async throws -> [VarBind] {
        try await counted { try await inner.walk(root, maxRepetitions: maxRepetitions) }
    }

    func set(_ bindings: [VarBind]) async throws -> [VarBind] {
        try await counted { try await inner.set(bindings) }
    }
}

/// A CLI connector that keeps the gauge of its OLT's sessions in use
/// (``FTTHMetrics/FTTHMetric/cliSessionsInUse``): up while a batch holds a session, down after.
struct MeteredCLIConnector: CLIConnector {
    let inner: any CLIConnector
    let inUse: Meter

    init(_ inner: any CLIConnector, olt: ManagementAddress, metrics: OLTMetrics) {
        self.inner = inner
        inUse = metrics.cliSessionsInUse(olt: olt)
    }

    var target: String { inner.target }

    func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        try await inner.withSession { session in
            inUse.increment()
            defer { inUse.decrement() }
            return try await body(session)
        }
    }

    func shutdown() async {
        await inner.shutdown()
    }
}
