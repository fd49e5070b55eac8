import FTTHCore

/// An OLT's refusal to read one ONU's optics, with the reason it gives.
public struct SimOpticsRefusal: Error, Sendable, Hashable {
    /// The reason, without a dialect's prefix (`The ONT did not answer the query`): each command
    /// line prints it in its own form, the SNMP view answers noSuchInstance.
    public var reason: String
}

extension SimulatedOLT {
    /// Makes the OLT refuse to read one ONU's optics with `reason` (an OMCI query that fails
    /// on a real OLT), or read them again with `reason` nil.
    public func refuseOptics(pon: PONAddress, id: Int, reason: String?) {
        state.withLock { $0.opticsRefusals[ONUKey(pon: pon, id: id)] = reason }
    }

    /// Asks for one ONU's optics, as a command line or the SNMP view does: counted in
    /// ``opticsQueries(pon:id:)``, refused when ``refuseOptics(pon:id:reason:)`` says so, and
    /// otherwise what the OLT sees of it (nil when no such ONU is configured).
    /// With `counted` false the question is not counted: for values an SNMP walk or GETBULK
    /// reads past what it was asked for.
    public func queryOptics(pon: PONAddress, id: Int, counted: Bool = true) -> Result<ONUObservation?, SimOpticsRefusal>
    {
        let refusal: String? = state.withLock { s in
            let key = ONUKey(pon: pon, id: id)
            if counted { s.opticsQueries[key, default: 0] += 1 }
            return s.opticsRefusals[key]
        }
        if let refusal { return .failure(SimOpticsRefusal(reason: refusal)) }
        return .success(observe(pon: pon, id: id))
    }

    /// How often one ONU's optics were asked for since the OLT started: one per command line
    /// that shows them, one per value of a GET over SNMP. A real OLT queries the ONU over OMCI for
    /// each, the load that makes drivers ask only ONUs that can answer.
    public func opticsQueries(pon: PONAddress, id: Int) -> Int {
        state.withLock { $0.opticsQueries[ONUKey(pon: pon, id: id)] ?? 0 }
    }
}
