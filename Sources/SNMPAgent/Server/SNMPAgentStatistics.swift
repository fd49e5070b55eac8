import Synchronization

/// A snapshot of an agent's counters, for tests and metrics. Every received datagram ends up
/// counted once in ``responses``, ``reports`` or ``dropped``.
public struct SNMPAgentStatistics: Sendable, Hashable {
    /// Datagrams received.
    public var requests: Int
    /// Response PDUs sent.
    public var responses: Int
    /// Report PDUs sent (v3 discovery and USM errors).
    public var reports: Int
    /// Datagrams not answered, for whatever reason (the counters below say which).
    public var dropped: Int
    /// Datagrams that were not well-formed SNMP messages (snmpInASNParseErrs).
    public var malformed: Int
    /// Requests dropped because the rate limit was exceeded.
    public var rateLimited: Int
    /// Requests dropped because the agent was told to stop answering.
    public var droppedWhileNotAnswering: Int
    /// Requests with an unknown community (snmpInBadCommunityNames), dropped.
    public var badCommunities: Int
    /// Authentication failures of every kind: bad communities, unknown v3 users, wrong digests.
    public var authenticationFailures: Int
    /// usmStatsUnknownEngineIDs: requests for another engine ID (discovery included).
    public var unknownEngineIDs: Int
    /// usmStatsUnknownUserNames.
    public var unknownUserNames: Int
    /// usmStatsUnsupportedSecLevels.
    public var unsupportedSecurityLevels: Int
    /// usmStatsWrongDigests.
    public var wrongDigests: Int
    /// usmStatsNotInTimeWindows.
    public var notInTimeWindows: Int
    /// usmStatsDecryptionErrors.
    public var decryptionErrors: Int
}

/// The live counters: atomics, because every request task bumps them.
final class SNMPAgentCounters: Sendable {
    enum Counter: CaseIterable {
        case requests, responses, reports, dropped, malformed, rateLimited, droppedWhileNotAnswering
        case badCommunities, authenticationFailures
        case unknownEngineIDs, unknownUserNames, unsupportedSecurityLevels, wrongDigests, notInTimeWindows
        case decryptionErrors, unknownPDUHandlers
    }

    private let requests = Atomic<Int>(0)
    private let responses = Atomic<Int>(0)
    private let reports = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let malformed = Atomic<Int>(0)
    private let rateLimited = Atomic<Int>(0)
    private let droppedWhileNotAnswering = Atomic<Int>(0)
    private let badCommunities = Atomic<Int>(0)
    private let authenticationFailures = Atomic<Int>(0)
    private let unknownEngineIDs = Atomic<Int>(0)
    private let unknownUserNames = Atomic<Int>(0)
    private let unsupportedSecurityLevels = Atomic<Int>(0)
    private let wrongDigests = Atomic<Int>(0)
    private let notInTimeWindows = Atomic<Int>(0)
    private let decryptionErrors = Atomic<Int>(0)
    private let unknownPDUHandlers = Atomic<Int>(0)

    init() {}

    private func with<R>(_ counter: Counter, _ body: (borrowing Atomic<Int>) -> R) -> R {
        switch counter {
        case .requests: body(requests)
        case .responses: body(responses)
        case .reports: body(reports)
        case .dropped: body(dropped)
        case .malformed: body(malformed)
        case .rateLimited: body(rateLimited)
        case .droppedWhileNotAnswering: body(droppedWhileNotAnswering)
        case .badCommunities: body(badCommunities)
        case .authenticationFailures: body(authenticationFailures)
        case .unknownEngineIDs: body(unknownEngineIDs)
        case .unknownUserNames: body(unknownUserNames)
        case .unsupportedSecurityLevels: body(unsupportedSecurityLevels)
        case .wrongDigests: body(wrongDigests)
        case .notInTimeWindows: body(notInTimeWindows)
        case .decryptionErrors: body(decryptionErrors)
        case .unknownPDUHandlers: body(unknownPDUHandlers)
        }
    }

    /// Adds one and returns the new value (the value a USM report carries).
    @discardableResult
    func increment(_ counter: Counter) -> Int {
        with(counter) { $0.add(1, ordering: .relaxed).newValue }
    }

    func value(_ counter: Counter) -> Int { with(counter) { $0.load(ordering: .relaxed) } }

    var snapshot: SNMPAgentStatistics {
        SNMPAgentStatistics(
            requests: value(.requests), responses: value(.responses), reports: value(.reports),
            dropped: value(.dropped), malformed: value(.malformed), rateLimited: value(.rateLimited),
            droppedWhileNotAnswering: value(.droppedWhileNotAnswering), badCommunities: value(.badCommunities),
            authenticationFailures: value(.authenticationFailures), unknownEngineIDs: value(.unknownEngineIDs),
            unknownUserNames: value(.unknownUserNames), unsupportedSecurityLevels: value(.unsupportedSecurityLevels),
            wrongDigests: value(.wrongDigests), notInTimeWindows: value(.notInTimeWindows),
            decryptionErrors: value(.decryptionErrors))
    }
}
