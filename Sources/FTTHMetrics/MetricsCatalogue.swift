/// Every series ftth-acceptd exposes at `GET /metrics`: its name, kind, labels and help, the one
/// place that says so (docs/metrics.md explains each and what to alert on).
///
/// Labels hold only the bounded vocabulary of ``MetricLabel``: never a serial, a username, a
/// project code, a port, an error message or any other free text. The `olt` label is the OLT's
/// management address as the project data and `[[olt]]` name it, so it is bounded by the inventory.
public enum FTTHMetric: String, CaseIterable, Sendable {
    /// Port tests that ended, by ``PortTestOutcome``.
    case portTests = "ftth_port_tests_total"
    /// How long each step of a port test took (``PortTestStep``), by step and ``StepResult``.
    case portTestStepDuration = "ftth_port_test_step_duration_seconds"
    /// OLT driver operations (``OLTOperation``) by OLT and dialect: the latency of every command,
    /// failed or not.
    case oltCommandDuration = "ftth_olt_command_duration_seconds"
    /// OLT driver operations that failed, by OLT, dialect, operation and error code.
    case oltCommandErrors = "ftth_olt_command_errors_total"
    /// SNMP requests that got no answer after net-snmp's retries, by OLT.
    case snmpTimeouts = "ftth_snmp_timeouts_total"
    /// CLI (Telnet/SSH) sessions running a command batch now, by OLT.
    case cliSessionsInUse = "ftth_cli_sessions_in_use"
    /// Outbox messages not yet acknowledged by account opening, read from the store at scrape time.
    case outboxBacklog = "ftth_outbox_backlog"
    /// Sends of outbox messages to account opening, by ``DeliveryResult``.
    case outboxDeliveryAttempts = "ftth_outbox_delivery_attempts_total"
    /// API requests answered, by route pattern, method and status code.
    case apiRequests = "ftth_api_requests_total"
    /// Time from an API request to its response's head, by route pattern and method.
    case apiRequestDuration = "ftth_api_request_duration_seconds"
    /// Requests refused for their credentials (401, and 429 once a source is throttled).
    case apiAuthFailures = "ftth_api_auth_failures_total"
    /// Connections closed at once because `[api] max_connections` were open.
    case apiConnectionsRefused = "ftth_api_connections_refused_total"
    /// Runs this daemon executes under a lease now (a cluster on PostgreSQL; 0 on SQLite).
    case leasesHeld = "ftth_leases_held"
    /// Runs this daemon took over from a daemon whose lease ran out (it died, hung or lost the store).
    case leasesTakenOver = "ftth_leases_taken_over_total"

    /// What a series counts, for Prometheus' `TYPE` line and the factory.
    public enum Kind: Sendable, Hashable {
        case counter
        case gauge
        /// A histogram of seconds with these upper bounds.
        case histogram(buckets: [Double])
    }

    /// The series' Prometheus type.
    public var kind: Kind {
        switch self {
        case .portTests, .oltCommandErrors, .snmpTimeouts, .outboxDeliveryAttempts, .apiRequests, .apiAuthFailures,
            .apiConnectionsRefused, .leasesTakenOver:
            .counter
        case .cliSessionsInUse, .outboxBacklog, .leasesHeld: .gauge
        // A step may wait minutes (an ONU coming online, a probe dialling); provisioning takes seconds.
        case .portTestStepDuration: .histogram(buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800])
        // An SNMP GET answers in milliseconds, a CLI batch or a walk of a full PON port in seconds.
        case .oltCommandDuration: .histogram(buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        case .apiRequestDuration: .histogram(buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        }
    }

    /// The label names of every series of this metric, in order.
    public var labels: [MetricLabel] {
        switch self {
        case .portTests: [.outcome]
        case .portTestStepDuration: [.step, .result]
        case .oltCommandDuration: [.olt, .dialect, .operation]
        case .oltCommandErrors: [.olt, .dialect, .operation, .code]
        case .snmpTimeouts, .cliSessionsInUse: [.olt]
        case .outboxBacklog, .apiConnectionsRefused, .leasesHeld, .leasesTakenOver: []
        case .outboxDeliveryAttempts: [.result]
        case .apiRequests: [.route, .method, .status]
        case .apiRequestDuration: [.route, .method]
        case .apiAuthFailures: [.throttled]
        }
    }

    /// Prometheus' `HELP` line: what the series counts, in one sentence.
    public var help: String {
        switch self {
        case .portTests: "Port tests that ended, by outcome (pass, fail_line, fail_service, error, cancelled)."
        case .portTestStepDuration:
            "Seconds each step of a port test took (provisioning, awaiting_online, reading, awaiting_service, removal), by step and result (ok, error)."
        case .oltCommandDuration:
            "Seconds each OLT driver operation took, failed or not, by OLT, dialect and operation."
        case .oltCommandErrors: "OLT driver operations that failed, by OLT, dialect, operation and error code."
        case .snmpTimeouts: "SNMP requests to an OLT that got no answer after net-snmp's retries."
        case .cliSessionsInUse: "CLI sessions (Telnet or SSH) to an OLT running a command batch now."
        case .outboxBacklog: "Outbox messages not yet acknowledged by account opening (read from the store at scrape)."
        case .outboxDeliveryAttempts:
            "Sends of outbox messages to account opening, by result (acknowledged, refused, retry, no_answer)."
        case .apiRequests: "API requests answered, by route pattern, method and status code."
        case .apiRequestDuration: "Seconds from an API request to its response's head, by route pattern and method."
        case .apiAuthFailures: "API requests refused for their credentials; throttled=true were answered 429."
        case .apiConnectionsRefused: "API connections closed at once because [api] max_connections were open."
        case .leasesHeld: "Runs this daemon executes under a lease now (a cluster on PostgreSQL; 0 on SQLite)."
        case .leasesTakenOver: "Runs this daemon took over from another daemon whose lease ran out."
        }
    }

    /// The catalogue entry named `name`, if it is one of ours.
    public init?(name: String) { self.init(rawValue: name) }
}

/// The label names of the catalogue: each takes values from a bounded vocabulary only.
public enum MetricLabel: String, Sendable, CaseIterable {
    /// ``PortTestOutcome``.
    case outcome
    /// ``PortTestStep``.
    case step
    /// ``StepResult`` or ``DeliveryResult``.
    case result
    /// The OLT's management address as configured (bounded by the inventory).
    case olt
    /// `VendorDialect`'s name: `huawei-ma5600t`, `huawei-ma5800`, `zte-c300`, `zte-c600`.
    case dialect
    /// ``OLTOperation``.
    case operation
    /// An OLT driver error's code without its `olt.` prefix (`unreachable`, `rejected`…), or `other`.
    case code
    /// An API route's pattern as the access table writes it (`/v1/projects/{code}`), or
    /// ``APIRouteLabel/unmatched``.
    case route
    /// The HTTP method (`GET`, `POST`…), or `other` for a method the API does not serve.
    case method
    /// The HTTP status code (`200`, `404`…).
    case status
    /// `true` or `false`.
    case throttled
}

/// How a port test ended, for ``FTTHMetric/portTests``.
public enum PortTestOutcome: String, Sendable, CaseIterable {
    /// Line passed, and the service too where the project needs a service test.
    case pass
    /// The line result failed its binding limits.
    case failLine = "fail_line"
    /// The line passed, the service test did not (failed, not tested, no test account).
    case failService = "fail_service"
    /// The test could not be run to a result (the OLT refused, retries ran out).
    case error
    /// Someone cancelled it.
    case cancelled
}

/// A step whose duration ``FTTHMetric/portTestStepDuration`` records: the engine's persisted
/// steps, and the removal of a port's test ONU (after approval, hand-over, a moved test ONT).
public enum PortTestStep: String, Sendable, CaseIterable {
    case provisioning
    case awaitingOnline = "awaiting_online"
    case reading
    case awaitingService = "awaiting_service"
    case removal
}

/// Whether a timed step finished its work or ended in an error (to be retried or not).
public enum StepResult: String, Sendable, CaseIterable {
    case ok
    case error
}

/// An operation of the `OLTDriver` interface, for the OLT command series.
public enum OLTOperation: String, Sendable, CaseIterable {
    case readOptics = "read_optics"
    case runState = "run_state"
    case listONUs = "list_onus"
    case provision
    case remove
}

/// What became of one send of an outbox message, for ``FTTHMetric/outboxDeliveryAttempts``.
public enum DeliveryResult: String, Sendable, CaseIterable {
    /// The receiver acknowledged it.
    case acknowledged
    /// The receiver refused it (a 4xx other than 408/429): the data or the receiver needs fixing.
    case refused
    /// The receiver answered with something worth retrying (5xx, 408, 429).
    case retry
    /// No answer at all (connection refused, timeout).
    case noAnswer = "no_answer"
}

/// The values of the `route` label beyond the access table's patterns.
public enum APIRouteLabel {
    /// Every request no route matched (unknown paths, scanners): one series, not one per path.
    public static let unmatched = "unmatched"
}
