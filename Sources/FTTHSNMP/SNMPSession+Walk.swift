import SNMPModel

extension SNMPSession {
    /// Every binding under `root`, in order: GETBULK pages on v2c and v3, GETNEXT on v1.
    ///
    /// Stops when a returned OID leaves the subtree or at endOfMibView. On tooBig the page is
    /// asked again with half the repetitions, down to 1.
    /// - Throws: ``SNMPError/Code/agentError`` when the agent returns an OID that is not after the
    ///   previous one (a broken agent would otherwise be walked forever),
    ///   ``SNMPError/Code/invalidRequest`` for `maxRepetitions` < 1, and any request failure.
    public func walk(_ root: OID, maxRepetitions: Int = 10) async throws(SNMPError) -> [VarBind] {
        guard maxRepetitions >= 1 else {
            throw invalid(
                "a walk with max-repetitions \(maxRepetitions) is not sent (0 hangs some ZTE OLTs); use 1 or more",
                oid: root)
        }
        var progress = WalkProgress(root: root, maxRepetitions: maxRepetitions)
        var step = progress.start
        while true {
            switch step {
            case .finished:
                return progress.bindings
            case .notIncreasing(let previous, let returned):
                throw SNMPError(
                    .agentError, target: targetDescription, oid: returned,
                    message:
                        "the agent returned \(returned) after \(previous) while walking \(root): OIDs must "
                        + "increase, so the walk stopped rather than loop forever; the agent's MIB implementation "
                        + "is broken here")
            case .fetch(let after, let repetitions):
                if configuration.isV1 {
                    step = progress.accept(try await getNext([after]))
                    continue
                }
                do {
                    step = progress.accept(try await getBulk([after], nonRepeaters: 0, maxRepetitions: repetitions))
                } catch  where error.code == .tooBig {
                    guard let smaller = progress.halveRepetitions() else { throw error }
                    step = smaller
                }
            }
        }
    }
}
