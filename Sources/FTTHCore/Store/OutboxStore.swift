import Foundation

/// What the account-opening system receives for one accepted splitter port (DESIGN §2 step 5):
/// where the port is, the line test that accepted it, and its verdicts. Encoded as JSON with
/// snake_case keys; powers in dBm and attenuations in dB, to 0.01.
public struct AcceptedPortPayload: Sendable, Hashable, Codable {
    /// Stable per port and approval: the receiver drops a message it has already seen by it.
    public var idempotencyKey: String
    public var project: String
    public var projectName: String
    /// The OLT's management address.
    public var oltIP: String
    /// `frame/slot/port`.
    public var pon: String
    public var splitter: String
    public var port: Int
    public var oltTxDBm: Double?
    public var oltRxDBm: Double?
    public var onuTxDBm: Double?
    public var onuRxDBm: Double?
    public var downstreamAttenuationDB: Double?
    public var upstreamAttenuationDB: Double?
    /// `pass` or `fail`.
    public var lineVerdict: String
    /// nil while no service test was recorded.
    public var serviceVerdict: String?
    /// nil while incomplete (no service test yet).
    public var overallVerdict: String?
    /// The threshold profile the line result was judged with.
    public var profile: String
    /// When the accepting line result was recorded.
    public var testedAt: Date
    /// When the project was approved.
    public var approvedAt: Date

    public init(
        idempotencyKey: String, project: String, projectName: String, oltIP: String, pon: String, splitter: String,
        port: Int, oltTxDBm: Double?, oltRxDBm: Double?, onuTxDBm: Double?, onuRxDBm: Double?,
        downstreamAttenuationDB: Double?, upstreamAttenuationDB: Double?, lineVerdict: String, serviceVerdict: String?,
        overallVerdict: String?, profile: String, testedAt: Date, approvedAt: Date
    ) {
        self.idempotencyKey = idempotencyKey
        self.project = project
        self.projectName = projectName
        self.oltIP = oltIP
        self.pon = pon
        self.splitter = splitter
        self.port = port
        self.oltTxDBm = oltTxDBm
        self.oltRxDBm = oltRxDBm
        self.onuTxDBm = onuTxDBm
        self.onuRxDBm = onuRxDBm
        self.downstreamAttenuationDB = downstreamAttenuationDB
        self.upstreamAttenuationDB = upstreamAttenuationDB
        self.lineVerdict = lineVerdict
        self.serviceVerdict = serviceVerdict
        self.overallVerdict = overallVerdict
        self.profile = profile
        self.testedAt = testedAt
        self.approvedAt = approvedAt
    }

    enum CodingKeys: String, CodingKey {
        case idempotencyKey = "idempotency_key"
        case project
        case projectName = "project_name"
        case oltIP = "olt_ip"
        case pon, splitter, port
        case oltTxDBm = "olt_tx_dbm"
        case oltRxDBm = "olt_rx_dbm"
        case onuTxDBm = "onu_tx_dbm"
        case onuRxDBm = "onu_rx_dbm"
        case downstreamAttenuationDB = "downstream_attenuation_db"
        case upstreamAttenuationDB = "upstream_attenuation_db"
        case lineVerdict = "line_verdict"
        case serviceVerdict = "service_verdict"
        case overallVerdict = "overall_verdict"
        case profile
        case testedAt = "tested_at"
        case approvedAt = "approved_at"
    }

    /// The JSON the webhook receives: snake_case keys, ISO 8601 dates, keys sorted so the same
    /// payload is always the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(self)
    }

    /// Reads the JSON ``json()`` writes (a receiver's view, and the tests').
    public static func decode(_ data: Data) throws -> AcceptedPortPayload {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AcceptedPortPayload.self, from: data)
    }
}

/// One outgoing push, recorded before it is sent and kept until the receiver acknowledges it.
public struct OutboxMessage: Sendable, Hashable, Codable {
    public var id: Int64
    public var port: PortKey
    /// Sent as the `Idempotency-Key` header: the same on every retry of this message.
    public var idempotencyKey: String
    /// The request body (``AcceptedPortPayload/json()``).
    public var payload: Data
    public var createdAt: Date
    /// Sends that failed so far.
    public var attempts: Int
    /// Not sent before this.
    public var nextAttemptAt: Date
    /// Set once the receiver acknowledged it; a delivered message is never sent again.
    public var deliveredAt: Date?
    /// Why the last send failed (the receiver's status and words, or the network error).
    public var lastError: String?
    public var lastAttemptAt: Date?

    public init(
        id: Int64, port: PortKey, idempotencyKey: String, payload: Data, createdAt: Date, attempts: Int,
        nextAttemptAt: Date, deliveredAt: Date?, lastError: String?, lastAttemptAt: Date?
    ) {
        self.id = id
        self.port = port
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
    }

    /// Whether the receiver acknowledged it.
    public var isDelivered: Bool { deliveredAt != nil }
}

/// The outbox (DESIGN §6: every outgoing push is retried until acknowledged). Pushes are
/// written in the same transaction that decides them, then sent by a pusher that may fail,
/// restart or find the receiver down any number of times without losing or duplicating one.
public protocol OutboxStore: Sendable {
    /// Writes one message per passed port of the approved project `projectCode`, in one
    /// transaction, and returns how many were added. The idempotency key is stable per port
    /// and approval, so calling it again for the same approval adds nothing. Throws
    /// ``StoreError/notFound(_:)`` for an unknown project and
    /// ``StoreError/conflict(location:message:)`` when the project is not approved.
    func enqueueAcceptedPorts(projectCode: String, at: Date) async throws -> Int

    /// Undelivered messages whose next attempt is due at `now`, the most overdue first, at most `limit`.
    func dueOutboxMessages(limit: Int, now: Date) async throws -> [OutboxMessage]

    /// The earliest next attempt of any undelivered message, nil when nothing is queued.
    func nextOutboxAttempt() async throws -> Date?

    /// Records the receiver's acknowledgement. Marking a delivered message again changes nothing.
    /// Throws ``StoreError/notFound(_:)`` for an unknown id.
    func markOutboxDelivered(_ id: Int64, at: Date) async throws

    /// Records a failed send: counts the attempt, keeps `error` and schedules the next one.
    /// Throws ``StoreError/notFound(_:)`` for an unknown id, ``StoreError/conflict(location:message:)``
    /// when the message was already delivered.
    func markOutboxFailed(_ id: Int64, error: String, nextAttemptAt: Date, at: Date) async throws

    /// Every message of a project, by port, delivered or not: for the API and the report.
    /// Throws ``StoreError/notFound(_:)`` for an unknown project.
    func outboxMessages(projectCode: String) async throws -> [OutboxMessage]

    /// Messages of the project not yet acknowledged; once 0 (and some were sent), the project
    /// may take ``ProjectEvent/pushAcknowledged``.
    func pendingOutboxCount(projectCode: String) async throws -> Int

    /// Messages of every project not yet acknowledged: the outbox's backlog, for `/metrics`.
    /// A default reads them all (``dueOutboxMessages(limit:now:)``); a store may count instead.
    func outboxBacklog() async throws -> Int
}

extension OutboxStore {
    /// Reads every undelivered message to count them; a store with a query language counts instead.
    public func outboxBacklog() async throws -> Int {
        try await dueOutboxMessages(limit: Int.max, now: .distantFuture).count
    }
}
