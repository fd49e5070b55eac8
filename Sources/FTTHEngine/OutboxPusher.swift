import FTTHCore
import FTTHMetrics
import Foundation

/// How the outbox pusher paces itself.
public struct OutboxPusherConfiguration: Sendable, Hashable {
    /// Messages sent per pass.
    public var batch: Int
    /// The wait after a message's first failed send; doubled per failure, never more than `maximumBackoff`.
    public var backoff: Duration
    public var maximumBackoff: Duration
    /// The longest the loop sleeps before looking for newly queued messages.
    public var pollInterval: Duration

    public init(
        batch: Int = 50, backoff: Duration = .seconds(5), maximumBackoff: Duration = .seconds(600),
        pollInterval: Duration = .seconds(30)
    ) {
        precondition(batch >= 1, "batch must be at least 1")
        precondition(backoff > .zero && maximumBackoff >= backoff, "backoff must be positive and at most its cap")
        precondition(pollInterval > .zero, "poll interval must be positive")
        self.batch = batch
        self.backoff = backoff
        self.maximumBackoff = maximumBackoff
        self.pollInterval = pollInterval
    }

    /// The wait after a message's `attempts`-th failed send (counting from 1).
    public func delay(afterAttempts attempts: Int) -> Duration {
        Backoff(initial: backoff, maximum: maximumBackoff).delay(afterFailures: attempts)
    }
}

/// What the pusher did, for logs and live views.
public enum OutboxPushEvent: Sendable, Hashable, CustomStringConvertible {
    /// The receiver acknowledged a message.
    case delivered(OutboxMessage)
    /// A send failed; it is retried at `nextAttemptAt`.
    case failed(OutboxMessage, disposition: WebhookDisposition, error: String, nextAttemptAt: Date)
    /// Every message of the project was acknowledged and the project moved to `pushed`.
    case projectPushed(String)
    /// The store failed; the pass stops and is tried again later.
    case storeFailed(String)

    public var description: String {
        switch self {
        case .delivered(let m): "\(m.port): pushed to account opening (key \(m.idempotencyKey))"
        case .failed(let m, let disposition, let error, let next):
            "\(m.port): push \(disposition == .refused ? "refused by the receiver" : "failed"), attempt \(m.attempts + 1): \(error); retrying at \(next.formatted(.iso8601))"
        case .projectPushed(let code): "project \(code): every accepted port acknowledged by account opening"
        case .storeFailed(let message): "outbox: \(message); trying again at the next pass"
        }
    }
}

/// Sends the outbox to the account-opening webhook (DESIGN §2 step 5, §6): every queued message
/// is posted with its idempotency key until the receiver acknowledges it, with exponential
/// backoff between failures; a receiver that is down or refusing loses nothing. When every
/// message of a project is acknowledged, the project takes ``ProjectEvent/pushAcknowledged``.
public actor OutboxPusher {
    let store: any AcceptanceStore & OutboxStore
    let transport: any WebhookTransport
    let configuration: OutboxPusherConfiguration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let metrics: OutboxMetrics
    var subscribers: [UUID: AsyncStream<OutboxPushEvent>.Continuation] = [:]

    /// `clock` times the waits between passes (inject a test clock); `now` stamps records and
    /// decides what is due; `metrics` counts every send by its result.
    public init(
        store: any AcceptanceStore & OutboxStore, transport: any WebhookTransport,
        configuration: OutboxPusherConfiguration = OutboxPusherConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init,
        metrics: OutboxMetrics = OutboxMetrics()
    ) {
        self.metrics = metrics
        self.store = store
        self.transport = transport
        self.configuration = configuration
        self.clock = clock
        self.now = now
    }

    /// Every event from now on, until the stream is dropped.
    public func events() -> AsyncStream<OutboxPushEvent> {
        let (stream, continuation) = AsyncStream<OutboxPushEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    func publish(_ event: OutboxPushEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    /// Queues the passed ports of every approved project not queued yet, and moves projects
    /// whose messages were all acknowledged to `pushed`: what a restart after a crash between
    /// approval and queueing, or between the last acknowledgement and the project event, needs.
    /// Returns how many messages were added. Projects still holding activated test ONUs are left
    /// to the scheduler's hand-over.
    @discardableResult
    public func catchUp() async -> Int {
        let accepted: [String]
        do {
            accepted = try await store.projects().filter { $0.project.state == .accepted }.map(\.project.code)
        } catch {
            publish(.storeFailed("listing projects failed: \(error)"))
            return 0
        }
        var added = 0
        for code in accepted {
            // A project approved just before a stop may still have test ONUs on its OLTs: the
            // scheduler removes them first and queues the ports itself (DESIGN §2 step 5).
            if let rows = try? await store.activationList(projectCode: code),
                rows.contains(where: { $0.workflow.activation == .activated })
            {
                continue
            }
            do {
                added += try await store.enqueueAcceptedPorts(projectCode: code, at: now())
            } catch {
                publish(.storeFailed("queueing the accepted ports of \(code) failed: \(error)"))
            }
            await acknowledgeIfComplete(code)
        }
        return added
    }

    /// Sends the messages due now, at most one batch, each once. Never throws: a failed send is
    /// recorded with its reason and next attempt, a store failure is published and ends the pass.
    public func deliverDue() async -> (delivered: Int, failed: Int) {
        let due: [OutboxMessage]
        do {
            due = try await store.dueOutboxMessages(limit: configuration.batch, now: now())
        } catch {
            publish(.storeFailed("reading the due messages failed: \(error)"))
            return (0, 0)
        }
        var delivered = 0
        var failed = 0
        var projects: [String] = []
        for message in due {
            if Task.isCancelled { break }
            let disposition: WebhookDisposition
            let failure: String
            do {
                let response = try await transport.post(message.payload, idempotencyKey: message.idempotencyKey)
                disposition = response.disposition
                failure = Self.describe(response, destination: transport.destination)
                let result: DeliveryResult =
                    switch disposition {
                    case .acknowledged: .acknowledged
                    case .refused: .refused
                    case .retry: .retry
                    }
                metrics.attempt(result)
            } catch {
                disposition = .retry
                failure = "no answer from \(transport.destination): \(error)"
                metrics.attempt(.noAnswer)
            }
            do {
                if disposition == .acknowledged {
                    try await store.markOutboxDelivered(message.id, at: now())
                    delivered += 1
                    if !projects.contains(message.port.projectCode) { projects.append(message.port.projectCode) }
                    publish(.delivered(message))
                } else {
                    let next = now().addingTimeInterval(
                        Self.seconds(configuration.delay(afterAttempts: message.attempts + 1)))
                    try await store.markOutboxFailed(message.id, error: failure, nextAttemptAt: next, at: now())
                    failed += 1
                    publish(.failed(message, disposition: disposition, error: failure, nextAttemptAt: next))
                }
            } catch {
                // The receiver has it or not; either way the message stays due and is sent
                // again with the same key, which the receiver recognises.
                publish(.storeFailed("recording the push of \(message.port) failed: \(error)"))
                break
            }
        }
        for code in projects { await acknowledgeIfComplete(code) }
        return (delivered, failed)
    }

    /// Moves `code` to `pushed` when it is accepted, has messages and none is pending.
    func acknowledgeIfComplete(_ code: String) async {
        do {
            guard try await store.pendingOutboxCount(projectCode: code) == 0,
                !(try await store.outboxMessages(projectCode: code).isEmpty),
                try await store.project(code)?.project.state == .accepted
            else { return }
            _ = try await store.applyProjectEvent(code, .pushAcknowledged, actor: "outbox", at: now())
            publish(.projectPushed(code))
        } catch {
            publish(.storeFailed("marking project \(code) pushed failed: \(error)"))
        }
    }

    /// Catches up, then delivers due messages until the task is cancelled, sleeping on the
    /// clock until the next message is due or the poll interval has passed. Returns when
    /// cancelled; throws nothing else.
    public func run() async throws {
        await catchUp()
        while !Task.isCancelled {
            let (delivered, failed) = await deliverDue()
            if delivered + failed >= configuration.batch { continue }
            var wait = configuration.pollInterval
            if let next = try? await store.nextOutboxAttempt() {
                let untilDue = Duration.milliseconds(Int64((next.timeIntervalSince(now()) * 1000).rounded(.up)))
                wait = min(wait, max(untilDue, .milliseconds(1)))
            }
            do {
                try await clock.sleep(for: wait)
            } catch {
                return
            }
        }
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        let (s, atto) = d.components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }

    static func describe(_ response: WebhookResponse, destination: String) -> String {
        var text = response.body.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > 500 { text = String(text.prefix(500)) + "…" }
        let said = text.isEmpty ? "" : ": \(text)"
        switch response.disposition {
        case .acknowledged: return "HTTP \(response.status)"
        case .refused:
            return
                "the receiver at \(destination) refused the message with HTTP \(response.status)\(said); fix the data or the receiver, the message stays queued and is retried"
        case .retry: return "HTTP \(response.status) from \(destination)\(said)"
        }
    }
}
