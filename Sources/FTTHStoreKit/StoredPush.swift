import FTTHCore
import Foundation

/// The rules of the outbox, one definition for every store: which projects are pushed, the
/// idempotency key of a port's push, its payload, the port-history entries and the refusals.
package enum StoredPush {
    /// The project states whose passed ports are pushed: approved, or already pushed (a second
    /// enqueue of the same approval adds nothing).
    package static let pushableStates: Set<String> = [ProjectState.accepted.rawValue, ProjectState.pushed.rawValue]

    /// Port-history events: a push queued, a push acknowledged.
    package static let queuedEvent = "push_queued"
    package static let pushedEvent = "pushed"

    /// What an idempotency key keeps as it is; anything else is percent-encoded.
    static let keyCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The key of `port`'s push for the approval `approvalID` (the project event's id): stable
    /// per port and approval. HTTP headers carry ASCII only, so a Chinese splitter name goes
    /// percent-encoded.
    package static func idempotencyKey(_ port: PortKey, approvalID: Int64) -> String {
        [port.projectCode, port.splitter, "\(port.port)", "\(approvalID)"]
            .map { $0.addingPercentEncoding(withAllowedCharacters: keyCharacters) ?? $0 }
            .joined(separator: "/")
    }

    /// The latest line result of a port as stored: readings in hundredths of dBm or dB.
    package struct LatestResult: Sendable {
        package var at: Date
        package var profile: String
        package var oltTxCenti, oltRxCenti, onuTxCenti, onuRxCenti, downstreamCenti, upstreamCenti: Int?

        package init(
            at: Date, profile: String, oltTxCenti: Int?, oltRxCenti: Int?, onuTxCenti: Int?, onuRxCenti: Int?,
            downstreamCenti: Int?, upstreamCenti: Int?
        ) {
            self.at = at
            self.profile = profile
            self.oltTxCenti = oltTxCenti
            self.oltRxCenti = oltRxCenti
            self.onuTxCenti = onuTxCenti
            self.onuRxCenti = onuRxCenti
            self.downstreamCenti = downstreamCenti
            self.upstreamCenti = upstreamCenti
        }
    }

    /// The payload of `port`'s push, as the receiver gets it.
    package static func payload(
        _ port: ActivationListRow, key: String, projectName: String, result: LatestResult, approvedAt: Date
    ) -> AcceptedPortPayload {
        func value(_ centi: Int?) -> Double? { centi.map { Double($0) / 100 } }
        return AcceptedPortPayload(
            idempotencyKey: key, project: port.key.projectCode, projectName: projectName, oltIP: port.olt.text,
            pon: port.pon.description, splitter: port.key.splitter, port: port.key.port,
            oltTxDBm: value(result.oltTxCenti), oltRxDBm: value(result.oltRxCenti), onuTxDBm: value(result.onuTxCenti),
            onuRxDBm: value(result.onuRxCenti), downstreamAttenuationDB: value(result.downstreamCenti),
            upstreamAttenuationDB: value(result.upstreamCenti),
            lineVerdict: port.workflow.verdict.line?.rawValue ?? Verdict.pass.rawValue,
            serviceVerdict: port.workflow.verdict.service?.rawValue,
            overallVerdict: port.workflow.verdict.overall?.rawValue, profile: result.profile, testedAt: result.at,
            approvedAt: approvedAt)
    }

    /// The payload's stored form: the bytes the receiver gets.
    package static func body(_ payload: AcceptedPortPayload) throws -> String {
        String(decoding: try payload.json(), as: UTF8.self)
    }

    /// The port-history detail of a queued push.
    package static func queuedDetail(key: String) -> String { "for account opening, key \(key)" }

    /// The port-history detail of an acknowledged push, after `failures` failed sends.
    package static func pushedDetail(failures: Int, key: String) -> String {
        "acknowledged by account opening after \(failures + 1) attempt(s), key \(key)"
    }

    /// The project is not approved.
    package static func notApproved(_ projectCode: String, state: String) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "project \(projectCode) is '\(state)', not approved: only an approved project's ports are pushed to account opening; approve it first"
        )
    }

    /// The project's state says approved but its history holds no approval.
    package static func noApproval(_ projectCode: String, state: String) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "project \(projectCode) is '\(state)' but its history holds no approval; approve it through the review before pushing"
        )
    }

    /// A passed port without a line result.
    package static func passedWithoutResult(_ port: PortKey) -> StoreError {
        StoreError.conflict(
            location: nil, message: "\(port) is marked passed but has no line result; re-test the port before pushing")
    }

    /// A failure reported for a message the receiver already acknowledged.
    package static func alreadyDelivered(_ message: OutboxMessage) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "outbox message \(message.id) (\(message.port)) was already acknowledged on \((message.deliveredAt ?? message.createdAt).formatted(.iso8601)); a failure after that is not recorded"
        )
    }

    /// An unknown message id.
    package static func unknownMessage(_ id: Int64) -> StoreError { StoreError.notFound("outbox message \(id)") }
}
