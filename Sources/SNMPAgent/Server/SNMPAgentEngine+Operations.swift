import SNMPModel

extension SNMPAgentEngine {
    /// Runs a request against the view and encodes the response; nil (counted as dropped) when
    /// not even a tooBig response fits.
    func process(_ request: Request) async -> Reply? {
        let pdu = request.pdu
        var response: SNMPPDU
        if request.access == .denied {
            response = errorResponse(to: pdu, status: SNMPErrorStatus.authorizationError, index: 0)
        } else {
            switch pdu.type {
            case .getRequest: response = await get(pdu, request: request)
            case .getNextRequest: response = await getNext(pdu, request: request)
            case .getBulkRequest:
                guard let bulk = await getBulk(pdu, request: request) else {
                    return tooBig(request)
                }
                response = bulk
            case .setRequest: response = await set(pdu, request: request)
            case .response, .informRequest, .snmpV2Trap, .report:
                counters.increment(.dropped)
                return nil
            }
        }
        guard let bytes = encode(response, in: request.envelope) else {
            counters.increment(.dropped)
            return nil
        }
        guard bytes.count <= request.responseLimit else { return tooBig(request) }
        return Reply(bytes: bytes, kind: .response)
    }

    /// RFC 3416 §4.2.1: tooBig with no bindings; RFC 1157 §4.1.2: tooBig echoing the request's.
    private func tooBig(_ request: Request) -> Reply? {
        var response = errorResponse(to: request.pdu, status: SNMPErrorStatus.tooBig, index: 0)
        if request.version != .v1 { response.varBinds = [] }
        guard let bytes = encode(response, in: request.envelope), bytes.count <= request.responseLimit else {
            counters.increment(.dropped)
            return nil
        }
        return Reply(bytes: bytes, kind: .response)
    }

    private func errorResponse(to pdu: SNMPPDU, status: Int, index: Int) -> SNMPPDU {
        SNMPPDU(
            type: .response, requestID: pdu.requestID, errorStatus: Int32(clamping: status),
            errorIndex: Int32(clamping: index), varBinds: pdu.varBinds)
    }

    private func response(to pdu: SNMPPDU, _ varBinds: [VarBind]) -> SNMPPDU {
        SNMPPDU(type: .response, requestID: pdu.requestID, varBinds: varBinds)
    }

    /// Whether SNMPv1 can carry this value: it has neither Counter64 nor the exceptions.
    private func isV1Compatible(_ value: SNMPValue) -> Bool {
        if case .counter64 = value { return false }
        return !value.isException
    }

    private func get(_ pdu: SNMPPDU, request: Request) async -> SNMPPDU {
        var results: [VarBind] = []
        results.reserveCapacity(pdu.varBinds.count)
        for (offset, binding) in pdu.varBinds.enumerated() {
            let value = await view.get(binding.oid, context: request.context)
            if request.version == .v1 && !isV1Compatible(value) {
                return errorResponse(to: pdu, status: SNMPErrorStatus.noSuchName, index: offset + 1)
            }
            results.append(VarBind(binding.oid, value))
        }
        return response(to: pdu, results)
    }

    /// The next binding after `oid` this request can see: v1 skips Counter64 objects (RFC 3584
    /// §4.2.2.1). Ends at a view that does not move forward, so a faulty view cannot loop forever.
    private func successor(of oid: OID, request: Request) async -> VarBind? {
        var cursor = oid
        while let next = await view.next(after: cursor, context: request.context) {
            guard cursor < next.oid, next.value != .endOfMibView else { return nil }
            if next.value.isException || (request.version == .v1 && !isV1Compatible(next.value)) {
                cursor = next.oid
                continue
            }
            return next
        }
        return nil
    }

    private func getNext(_ pdu: SNMPPDU, request: Request) async -> SNMPPDU {
        var results: [VarBind] = []
        results.reserveCapacity(pdu.varBinds.count)
        for (offset, binding) in pdu.varBinds.enumerated() {
            if let next = await successor(of: binding.oid, request: request) {
                results.append(next)
            } else if request.version == .v1 {
                return errorResponse(to: pdu, status: SNMPErrorStatus.noSuchName, index: offset + 1)
            } else {
                results.append(VarBind(binding.oid, .endOfMibView))
            }
        }
        return response(to: pdu, results)
    }

    /// RFC 3416 §4.2.3, filling the response only as far as the message size allows; nil when
    /// even the non-repeaters do not fit.
    private func getBulk(_ pdu: SNMPPDU, request: Request) async -> SNMPPDU? {
        let nonRepeaters = min(max(Int(pdu.nonRepeaters), 0), pdu.varBinds.count)
        let maxRepetitions = max(Int(pdu.maxRepetitions), 0)
        // What the response costs without bindings; the slack covers length fields that grow
        // by up to two bytes at each of the five nesting levels.
        guard let empty = encode(response(to: pdu, []), in: request.envelope) else { return nil }
        let budget = request.responseLimit - empty.count - 16
        var used = 0
        var results: [VarBind] = []
        func add(_ binding: VarBind) -> Bool {
            let size = BERWriter.encodedSize(of: binding)
            guard used + size <= budget else { return false }
            used += size
            results.append(binding)
            return true
        }
        for binding in pdu.varBinds.prefix(nonRepeaters) {
            let next = await successor(of: binding.oid, request: request) ?? VarBind(binding.oid, .endOfMibView)
            guard add(next) else { return nil }
        }
        var cursors = pdu.varBinds.dropFirst(nonRepeaters).map(\.oid)
        var ended = [Bool](repeating: false, count: cursors.count)
        if !cursors.isEmpty {
            repetitions: for _ in 0..<maxRepetitions {
                for column in cursors.indices {
                    var binding = VarBind(cursors[column], .endOfMibView)
                    if !ended[column] {
                        if let next = await successor(of: cursors[column], request: request) {
                            binding = next
                            cursors[column] = next.oid
                        } else {
                            ended[column] = true
                        }
                    }
                    guard add(binding) else { break repetitions }
                }
                // Every repeater is past the end: further repetitions would only repeat endOfMibView.
                if !ended.contains(false) { break }
            }
        }
        var bulk = response(to: pdu, results)
        // The estimate is conservative; this only trims if a length field grew more than expected.
        while bulk.varBinds.count > nonRepeaters, let bytes = encode(bulk, in: request.envelope),
            bytes.count > request.responseLimit
        {
            bulk.varBinds.removeLast()
        }
        return bulk
    }

    private func set(_ pdu: SNMPPDU, request: Request) async -> SNMPPDU {
        guard request.access == .readWrite else {
            // RFC 3584 §4.4: noAccess becomes noSuchName for a v1 manager.
            let status = request.version == .v1 ? SNMPErrorStatus.noSuchName : SNMPErrorStatus.noAccess
            return errorResponse(to: pdu, status: status, index: 1)
        }
        for (offset, binding) in pdu.varBinds.enumerated() {
            if binding.value.isException {
                let status = request.version == .v1 ? SNMPErrorStatus.badValue : SNMPErrorStatus.wrongType
                return errorResponse(to: pdu, status: status, index: offset + 1)
            }
            if request.version == .v1 && !isV1Compatible(binding.value) {
                return errorResponse(to: pdu, status: SNMPErrorStatus.badValue, index: offset + 1)
            }
        }
        guard !pdu.varBinds.isEmpty,
            let failure = await view.set(pdu.varBinds, context: request.context),
            failure.status != SNMPErrorStatus.noError
        else {
            return response(to: pdu, pdu.varBinds)
        }
        let status = request.version == .v1 ? SNMPErrorStatus.v1(failure.status) : failure.status
        return errorResponse(to: pdu, status: status, index: min(max(failure.index, 0), pdu.varBinds.count))
    }
}
