import SNMPModel

/// The managed objects an agent serves: what ``SNMPAgentServer`` reads and writes to answer
/// GET, GETNEXT, GETBULK and SET. Implementations are called concurrently, one call per binding.
public protocol MIBView: Sendable {
    /// The value at exactly `oid`; .noSuchObject or .noSuchInstance when there is none.
    func get(_ oid: OID, context: String) async -> SNMPValue
    /// The first binding strictly after `oid`, or nil at the end of the view.
    func next(after oid: OID, context: String) async -> VarBind?
    /// Applies a SET atomically: all bindings or none. Returns nil on success, or the
    /// RFC 3416 error-status and the 1-based index of the failing binding.
    func set(_ bindings: [VarBind], context: String) async -> (status: Int, index: Int)?
}
