import CoreMetrics
import FTTHCore

/// The port tests' series: how they ended and how long each step took. Handlers come from
/// `factory`, so a test passes its own and reads its own registry; the daemon passes the one it
/// serves at `GET /metrics`.
public struct EngineMetrics: Sendable {
    let factory: any MetricsFactory
    let outcomes: [PortTestOutcome: Counter]

    /// Series made by `factory` (swift-metrics' global one unless given); every outcome starts at
    /// 0, so an alert on a rate sees the series before the first test ends.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        outcomes = Dictionary(
            uniqueKeysWithValues: PortTestOutcome.allCases.map { outcome in
                (
                    outcome,
                    Counter(
                        label: FTTHMetric.portTests.rawValue,
                        dimensions: [(MetricLabel.outcome.rawValue, outcome.rawValue)], factory: factory)
                )
            })
    }

    /// A port test ended with `outcome`.
    public func ended(_ outcome: PortTestOutcome) {
        outcomes[outcome]?.increment()
    }

    /// `step` of a port test took `duration` and ended with `result`.
    public func step(_ step: PortTestStep, _ result: StepResult, took duration: Duration) {
        Timer(
            label: FTTHMetric.portTestStepDuration.rawValue,
            dimensions: [(MetricLabel.step.rawValue, step.rawValue), (MetricLabel.result.rawValue, result.rawValue)],
            factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }
}

/// The OLTs' series: every driver operation's latency and failures, SNMP timeouts and CLI
/// sessions in use, each by the OLT's configured address.
public struct OLTMetrics: Sendable {
    let factory: any MetricsFactory

    /// Series made by `factory` (swift-metrics' global one unless given).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// `operation` on `olt` in `dialect` took `duration`; `error` is what it threw, if it did.
    public func command(
        olt: ManagementAddress, dialect: VendorDialect, operation: OLTOperation, took duration: Duration,
        error: (any Error)?
    ) {
        let labels = [
            (MetricLabel.olt.rawValue, olt.description), (MetricLabel.dialect.rawValue, dialect.rawValue),
            (MetricLabel.operation.rawValue, operation.rawValue),
        ]
        Timer(label: FTTHMetric.oltCommandDuration.rawValue, dimensions: labels, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        guard let error else { return }
        Counter(
            label: FTTHMetric.oltCommandErrors.rawValue,
            dimensions: labels + [(MetricLabel.code.rawValue, Self.code(of: error))], factory: factory
        ).increment()
    }

    /// The `code` label of `error`: an ``OLTDriverError``'s code without its `olt.` prefix, or
    /// `other`; never the message, which holds the OLT's own words.
    public static func code(of error: any Error) -> String {
        guard let error = error as? OLTDriverError else { return "other" }
        let raw = error.code.rawValue
        return raw.hasPrefix("olt.") ? String(raw.dropFirst(4)) : raw
    }

    /// An SNMP request to `olt` got no answer after the SNMP client's retries.
    public func snmpTimeout(olt: ManagementAddress) {
        Counter(
            label: FTTHMetric.snmpTimeouts.rawValue, dimensions: [(MetricLabel.olt.rawValue, olt.description)],
            factory: factory
        ).increment()
    }

    /// The gauge of CLI sessions to `olt` in use: incremented when a batch takes a session,
    /// decremented when it gives it back.
    public func cliSessionsInUse(olt: ManagementAddress) -> Meter {
        Meter(
            label: FTTHMetric.cliSessionsInUse.rawValue, dimensions: [(MetricLabel.olt.rawValue, olt.description)],
            factory: factory)
    }
}

/// The outbox's series: its backlog and every send's result.
public struct OutboxMetrics: Sendable {
    let attempts: [DeliveryResult: Counter]
    let backlogGauge: Meter

    /// Series made by `factory` (swift-metrics' global one unless given), each result at 0.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        attempts = Dictionary(
            uniqueKeysWithValues: DeliveryResult.allCases.map { result in
                (
                    result,
                    Counter(
                        label: FTTHMetric.outboxDeliveryAttempts.rawValue,
                        dimensions: [(MetricLabel.result.rawValue, result.rawValue)], factory: factory)
                )
            })
        backlogGauge = Meter(label: FTTHMetric.outboxBacklog.rawValue, dimensions: [], factory: factory)
    }

    /// One send of a message ended with `result`.
    public func attempt(_ result: DeliveryResult) {
        attempts[result]?.increment()
    }

    /// The messages not yet acknowledged, as the store counts them now.
    public func backlog(_ messages: Int) {
        backlogGauge.set(messages)
    }
}

/// The API's series: requests by route pattern and status, and the refusals ``APIStatistics``
/// counts (failed authentications, connections over the limit).
public struct APIMetrics: Sendable {
    let factory: any MetricsFactory
    let authFailures: (plain: Counter, throttled: Counter)
    let refusedConnections: Counter

    /// Series made by `factory` (swift-metrics' global one unless given); the refusals start at 0.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        func failures(_ throttled: Bool) -> Counter {
            Counter(
                label: FTTHMetric.apiAuthFailures.rawValue,
                dimensions: [(MetricLabel.throttled.rawValue, throttled ? "true" : "false")], factory: factory)
        }
        authFailures = (failures(false), failures(true))
        refusedConnections = Counter(
            label: FTTHMetric.apiConnectionsRefused.rawValue, dimensions: [], factory: factory)
    }

    /// A request on `route` (a pattern of the access table or ``APIRouteLabel/unmatched``) with
    /// `method` was answered `status` after `duration`.
    public func request(route: String, method: String, status: Int, took duration: Duration) {
        let labels = [(MetricLabel.route.rawValue, route), (MetricLabel.method.rawValue, method)]
        Counter(
            label: FTTHMetric.apiRequests.rawValue, dimensions: labels + [(MetricLabel.status.rawValue, "\(status)")],
            factory: factory
        ).increment()
        Timer(label: FTTHMetric.apiRequestDuration.rawValue, dimensions: labels, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// A request was refused for its credentials; `throttled` when answered 429.
    public func authFailure(throttled: Bool) {
        (throttled ? authFailures.throttled : authFailures.plain).increment()
    }

    /// A connection was closed at once, over `[api] max_connections`.
    public func connectionRefused() {
        refusedConnections.increment()
    }
}

/// The cluster's series (leased runs, when several daemons share a PostgreSQL store): the runs
/// this daemon holds a lease on and the runs it took over from a daemon whose lease ran out.
/// Neither has labels: a run id or a holder's name would make a series per run or per process.
public struct ClusterMetrics: Sendable {
    let held: Meter
    let takenOver: Counter

    /// Series made by `factory` (swift-metrics' global one unless given), both at 0, so an alert
    /// on an increase sees the series before the first takeover.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        held = Meter(label: FTTHMetric.leasesHeld.rawValue, dimensions: [], factory: factory)
        takenOver = Counter(label: FTTHMetric.leasesTakenOver.rawValue, dimensions: [], factory: factory)
    }

    /// This daemon holds a lease on `runs` runs now.
    public func leasesHeld(_ runs: Int) {
        held.set(runs)
    }

    /// This daemon took a run over from a daemon whose lease ran out.
    public func tookOver() {
        takenOver.increment()
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max` (about 292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? .max : sum
    }
}
