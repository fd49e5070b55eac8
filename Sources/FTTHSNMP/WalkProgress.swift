import SNMPModel

/// The rules of a walk, apart from any I/O: which page to ask for next, when the walk is over,
/// and when the agent misbehaves. ``SNMPSession/walk(_:maxRepetitions:)`` drives it.
struct WalkProgress {
    enum Step: Equatable {
        /// Ask for the bindings after `oid`, `repetitions` at a time.
        case fetch(after: OID, repetitions: Int)
        /// The subtree is done.
        case finished
        /// The agent returned `returned` after `previous`: walking on could loop forever.
        case notIncreasing(previous: OID, returned: OID)
    }

    let root: OID
    private(set) var repetitions: Int
    private(set) var last: OID
    private(set) var bindings: [VarBind] = []

    init(root: OID, maxRepetitions: Int) {
        precondition(maxRepetitions >= 1, "a walk needs max-repetitions of 1 or more")
        self.root = root
        self.repetitions = maxRepetitions
        self.last = root
    }

    /// The first request.
    var start: Step { .fetch(after: root, repetitions: repetitions) }

    /// Takes one page of GETBULK (or a GETNEXT) bindings.
    mutating func accept(_ page: [VarBind]) -> Step {
        guard !page.isEmpty else { return .finished }
        for binding in page {
            if binding.value == .endOfMibView || !binding.oid.isWithin(root) {
                return .finished
            }
            guard last < binding.oid else { return .notIncreasing(previous: last, returned: binding.oid) }
            bindings.append(binding)
            last = binding.oid
        }
        return .fetch(after: last, repetitions: repetitions)
    }

    /// The agent answered tooBig: the same page with half the repetitions, or nil at 1 already.
    mutating func halveRepetitions() -> Step? {
        guard repetitions > 1 else { return nil }
        repetitions = max(1, repetitions / 2)
        return .fetch(after: last, repetitions: repetitions)
    }
}
