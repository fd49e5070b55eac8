import FTTHCore
import SNMPModel

/// The steps the SNMP drivers share to read a PON port's optics: the run states of many ONUs in
/// a few GETs, then one ONU's optics, whose refusal stays that ONU's.
enum SNMPOpticsRead {
    /// OIDs per GET for the run states: small enough for any agent's message size.
    static let statesPerRequest = 16

    /// The value at each OID, in order, in GETs of ``statesPerRequest``.
    static func values(_ snmp: any SNMPRequester, of oids: [OID]) async throws -> [SNMPValue] {
        var values: [SNMPValue] = []
        for start in stride(from: 0, to: oids.count, by: statesPerRequest) {
            let chunk = Array(oids[start..<min(start + statesPerRequest, oids.count)])
            let bindings = try await snmp.get(chunk)
            values += chunk.indices.map { $0 < bindings.count ? bindings[$0].value : .noSuchInstance }
        }
        return values
    }

    /// One ONU's optics, or the agent's words when it will not give them.
    enum Optics {
        case values([SNMPValue])
        case refused(String)
    }

    /// GETs one ONU's optics columns. An error-status, or no instance for any column, is this
    /// ONU's refusal; no answer at all (timeout, transport, authentication) throws, as it is the
    /// OLT's failure, not the ONU's.
    static func optics(_ snmp: any SNMPRequester, _ oids: [OID]) async throws -> Optics {
        do {
            let bindings = try await snmp.get(oids)
            let values = bindings.map(\.value)
            if !values.isEmpty, values.allSatisfy(\.isException) {
                return .refused(bindings.map(\.description).joined(separator: "; "))
            }
            return .values(values)
        } catch let error as SNMPError
            where [.agentError, .noSuchObject, .noSuchInstance, .endOfMibView].contains(error.code)
        {
            return .refused(error.description)
        }
    }

    /// An ONU that is not online: no numbers, and its optics were not asked for.
    static func notOnline(id: Int, state: ONURunState) -> ONUOptics {
        let none = PowerReading.missing(.onuOffline)
        return ONUOptics(onuID: id, runState: state, onuRx: none, onuTx: none, oltRx: none)
    }

    /// An online ONU whose optics the agent refused, with its words.
    static func refused(id: Int, words: String) -> ONUOptics {
        let none = PowerReading.missing(.refused, raw: words)
        return ONUOptics(onuID: id, runState: .online, onuRx: none, onuTx: none, oltRx: none)
    }
}
