internal import CNetSNMP
import SNMPModel

/// One agent reached through an ``SNMPClient``: GET, GETNEXT, GETBULK, walk and SET over
/// net-snmp, at most ``maxInFlight`` requests on the wire at once, the rest queued in order.
///
/// Every method throws only ``SNMPError``. A request completes (or times out after the target's
/// timeout × (retries + 1)) even if its task is cancelled: cancelling does not take it back from
/// the agent.
public final class SNMPSession: SNMPRequester {
    /// The agent and how to reach it.
    public let target: SNMPTarget
    /// How many requests may be in flight to this agent at once.
    public let maxInFlight: Int

    let id: UInt64
    let configuration: AgentConfiguration
    private let statistics: SessionStatistics
    private let dispatcher: Dispatcher

    init(
        id: UInt64, target: SNMPTarget, configuration: AgentConfiguration, statistics: SessionStatistics,
        dispatcher: Dispatcher
    ) {
        self.id = id
        self.target = target
        self.maxInFlight = configuration.maxInFlight
        self.configuration = configuration
        self.statistics = statistics
        self.dispatcher = dispatcher
    }

    /// The agent, without secrets (`udp:10.0.0.1:161 (v2c)`).
    public var targetDescription: String { configuration.description }

    /// The most requests this session has had in flight at once; never above ``maxInFlight``.
    public var inFlightHighWater: Int { statistics.inFlightHighWater }

    /// Requests sent and not yet answered or timed out.
    public var requestsInFlight: Int { statistics.inFlight }

    /// Requests waiting for a free slot.
    public var requestsQueued: Int { statistics.queued }

    /// GET: one binding per OID, in order. A missing object comes back as `.noSuchObject` or
    /// `.noSuchInstance` in its binding, on v1 too (where the agent answers noSuchName).
    public func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try await fetch(oids, kind: .get, v1Missing: .noSuchObject)
    }

    /// GETNEXT: the binding after each OID; `.endOfMibView` past the agent's last object (v1's
    /// noSuchName included).
    public func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try await fetch(oids, kind: .getNext, v1Missing: .endOfMibView)
    }

    /// GETBULK (v2c and v3): the first `nonRepeaters` OIDs once, then up to `maxRepetitions`
    /// successors of each other OID, interleaved as the agent sends them.
    /// - Throws: ``SNMPError/Code/invalidRequest`` on v1, for `maxRepetitions` < 1 (max-repetitions 0
    ///   hangs some ZTE OLTs, so it is never sent), for no OIDs or a bad `nonRepeaters`.
    public func getBulk(_ oids: [OID], nonRepeaters: Int = 0, maxRepetitions: Int) async throws(SNMPError)
        -> [VarBind]
    {
        guard !configuration.isV1 else {
            throw invalid("GETBULK needs SNMPv2c or v3; this agent is configured for v1: use getNext or walk")
        }
        guard !oids.isEmpty else { throw invalid("GETBULK needs at least one OID") }
        guard maxRepetitions >= 1 else {
            throw invalid(
                "GETBULK with max-repetitions \(maxRepetitions) is not sent (0 hangs some ZTE OLTs); use 1 or more")
        }
        guard (0...oids.count).contains(nonRepeaters) else {
            throw invalid("GETBULK non-repeaters \(nonRepeaters) must be between 0 and the \(oids.count) OIDs given")
        }
        let operation = SNMPOperation(
            kind: .getBulk(nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions),
            bindings: oids.map { VarBind($0, .null) })
        let response = try await perform(operation)
        guard response.errorStatus == 0 else {
            throw SNMPError.agent(response, operation: operation, description: targetDescription)
        }
        return response.bindings
    }

    /// SET: writes the bindings in one request and returns the agent's response bindings.
    /// - Throws: ``SNMPError/Code/agentError`` with the agent's error-status and index (and the
    ///   OID) when it refuses, ``SNMPError/Code/invalidRequest`` for no bindings or an exception
    ///   value.
    public func set(_ bindings: [VarBind]) async throws(SNMPError) -> [VarBind] {
        guard !bindings.isEmpty else { throw invalid("SET needs at least one binding") }
        if let bad = bindings.first(where: { $0.value.isException }) {
            throw SNMPError(
                .invalidRequest, target: targetDescription, oid: bad.oid,
                message: "cannot SET \(bad.value): exceptions are answers, not values")
        }
        let operation = SNMPOperation(kind: .set, bindings: bindings)
        let response = try await perform(operation)
        guard response.errorStatus == 0 else {
            throw SNMPError.agent(response, operation: operation, description: targetDescription)
        }
        return response.bindings
    }

    /// GET or GETNEXT of `oids`, answering `v1Missing` for each OID a v1 agent reports as
    /// noSuchName: v1 fails the whole request for one bad OID, so the others are asked again.
    private func fetch(_ oids: [OID], kind: SNMPOperation.Kind, v1Missing: SNMPValue) async throws(SNMPError)
        -> [VarBind]
    {
        guard !oids.isEmpty else { throw invalid("a request needs at least one OID") }
        var results = [VarBind?](repeating: nil, count: oids.count)
        var pending = Array(oids.indices)
        while !pending.isEmpty {
            let operation = SNMPOperation(kind: kind, bindings: pending.map { VarBind(oids[$0], .null) })
            let response = try await perform(operation)
            if response.errorStatus == 2, configuration.isV1, (1...pending.count).contains(response.errorIndex) {
                let missing = pending.remove(at: response.errorIndex - 1)
                results[missing] = VarBind(oids[missing], v1Missing)
                continue
            }
            guard response.errorStatus == 0 else {
                throw SNMPError.agent(response, operation: operation, description: targetDescription)
            }
            guard response.bindings.count == pending.count else {
                throw SNMPError(
                    .agentError, target: targetDescription, oid: operation.bindings.first?.oid,
                    message:
                        "the agent answered \(operation.name) of \(pending.count) OIDs with "
                        + "\(response.bindings.count) bindings; the response is malformed")
            }
            for (position, index) in pending.enumerated() {
                results[index] = response.bindings[position]
            }
            pending = []
        }
        return results.compactMap { $0 }
    }

    /// Sends `operation` through the dispatcher and waits for the answer.
    func perform(_ operation: SNMPOperation) async throws(SNMPError) -> SNMPResponse {
        let result = await withCheckedContinuation { (continuation: ResponseContinuation) in
            dispatcher.send(
                .submit(id: id, target: targetDescription, operation: operation, continuation: continuation))
        }
        return try result.get()
    }

    func invalid(_ message: String, oid: OID? = nil) -> SNMPError {
        SNMPError(.invalidRequest, target: targetDescription, oid: oid, message: message)
    }
}
