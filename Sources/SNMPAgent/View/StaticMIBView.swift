import SNMPModel

/// A ``MIBView`` over sorted in-memory bindings, the same in every context: for tests and small
/// agents. A SET may change existing bindings (and create new ones under writable prefixes),
/// keeping each binding's type.
public actor StaticMIBView: MIBView {
    /// Decides whether a SET of one binding is refused: returns an RFC 3416 error-status, or nil
    /// to accept. `current` is the value now at the binding's OID, nil when there is none.
    public typealias Validator = @Sendable (_ binding: VarBind, _ current: SNMPValue?) -> Int?

    /// Sorted by OID, one binding per OID.
    private var entries: [VarBind]
    private let writablePrefixes: [OID]?
    private let validator: Validator?

    /// Creates a view holding `bindings` (a later duplicate OID replaces an earlier one).
    /// - Parameters:
    ///   - writable: nil lets a SET change any existing binding and create none; otherwise only
    ///     OIDs under these prefixes may be set, and new ones are created there.
    ///   - validator: refuses individual SETs with an error-status (wrongValue for a range).
    public init(_ bindings: [VarBind], writable: [OID]? = nil, validator: Validator? = nil) {
        var unique: [OID: VarBind] = [:]
        for binding in bindings { unique[binding.oid] = binding }
        self.entries = unique.values.sorted { $0.oid < $1.oid }
        self.writablePrefixes = writable
        self.validator = validator
    }

    /// All bindings, in OID order.
    public var bindings: [VarBind] { entries }

    /// The value at exactly `oid`, nil when there is none.
    public func value(at oid: OID) -> SNMPValue? {
        let index = lowerBound(oid)
        return index < entries.count && entries[index].oid == oid ? entries[index].value : nil
    }

    /// Adds or replaces one binding, whatever its type.
    public func update(_ binding: VarBind) {
        let index = lowerBound(binding.oid)
        if index < entries.count && entries[index].oid == binding.oid {
            entries[index] = binding
        } else {
            entries.insert(binding, at: index)
        }
    }

    /// Removes the binding at `oid`, if any.
    public func remove(_ oid: OID) {
        let index = lowerBound(oid)
        if index < entries.count && entries[index].oid == oid { entries.remove(at: index) }
    }

    /// The value at `oid`. A missing OID whose parent has bindings under it is .noSuchInstance
    /// (the object exists, this instance does not); any other missing OID is .noSuchObject.
    public func get(_ oid: OID, context: String) -> SNMPValue {
        if let value = value(at: oid) { return value }
        guard oid.components.count > 1 else { return .noSuchObject }
        let parent = OID(Array(oid.components.dropLast()))
        let index = lowerBound(parent)
        if index < entries.count, entries[index].oid.isWithin(parent), entries[index].oid != parent {
            return .noSuchInstance
        }
        return .noSuchObject
    }

    /// The first binding strictly after `oid`.
    public func next(after oid: OID, context: String) -> VarBind? {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].oid <= oid { low = mid + 1 } else { high = mid }
        }
        return low < entries.count ? entries[low] : nil
    }

    /// Checks every binding first, then applies them all: nothing changes when one is refused.
    public func set(_ bindings: [VarBind], context: String) -> (status: Int, index: Int)? {
        for (offset, binding) in bindings.enumerated() {
            if let status = refusal(binding) { return (status, offset + 1) }
        }
        for binding in bindings { update(binding) }
        return nil
    }

    private func refusal(_ binding: VarBind) -> Int? {
        let current = value(at: binding.oid)
        if let prefixes = writablePrefixes {
            guard prefixes.contains(where: { binding.oid.isWithin($0) }) else {
                return current == nil ? SNMPErrorStatus.noCreation : SNMPErrorStatus.notWritable
            }
        } else if current == nil {
            return SNMPErrorStatus.noCreation
        }
        if binding.value.isException { return SNMPErrorStatus.wrongType }
        if let current, current.berTag != binding.value.berTag { return SNMPErrorStatus.wrongType }
        return validator?(binding, current)
    }

    /// Index of the first entry whose OID is not less than `oid`.
    private func lowerBound(_ oid: OID) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].oid < oid { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
