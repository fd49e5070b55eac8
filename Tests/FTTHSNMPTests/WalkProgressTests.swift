import SNMPModel
import Testing

@testable import FTTHSNMP

/// The walk's rules on pages an agent could send, including broken ones.
@Suite("Walk progress")
struct WalkProgressTests {
    static let root: OID = "1.3.6.1.4.1.2011.6.128.1.1.2.23"

    static func row(_ column: UInt32, _ index: UInt32, _ value: Int64 = 0) -> VarBind {
        VarBind(root.appending(1, column, index), .integer(value))
    }

    @Test("pages are collected until the subtree ends")
    func collectsUntilSubtreeEnds() {
        var walk = WalkProgress(root: Self.root, maxRepetitions: 3)
        #expect(walk.start == .fetch(after: Self.root, repetitions: 3))
        let first = [Self.row(1, 1), Self.row(1, 2), Self.row(1, 3)]
        #expect(walk.accept(first) == .fetch(after: Self.row(1, 3).oid, repetitions: 3))
        let second = [Self.row(2, 1), VarBind("1.3.6.1.4.1.2011.6.128.1.1.2.24.1.1", .integer(9))]
        #expect(walk.accept(second) == .finished)
        #expect(walk.bindings == first + [Self.row(2, 1)])
    }

    @Test("endOfMibView and an empty page end the walk")
    func endOfMibView() {
        var walk = WalkProgress(root: Self.root, maxRepetitions: 5)
        #expect(walk.accept([Self.row(1, 1), VarBind(Self.row(1, 1).oid, .endOfMibView)]) == .finished)
        #expect(walk.bindings == [Self.row(1, 1)])
        var empty = WalkProgress(root: Self.root, maxRepetitions: 5)
        #expect(empty.accept([]) == .finished)
    }

    @Test("an OID that does not increase stops the walk as an error")
    func notIncreasing() {
        var walk = WalkProgress(root: Self.root, maxRepetitions: 5)
        _ = walk.accept([Self.row(1, 1), Self.row(1, 2)])
        #expect(
            walk.accept([Self.row(1, 2)]) == .notIncreasing(previous: Self.row(1, 2).oid, returned: Self.row(1, 2).oid))
        var backwards = WalkProgress(root: Self.root, maxRepetitions: 5)
        #expect(
            backwards.accept([Self.row(1, 5), Self.row(1, 4)])
                == .notIncreasing(previous: Self.row(1, 5).oid, returned: Self.row(1, 4).oid))
    }

    @Test("tooBig halves the repetitions down to 1, then gives up")
    func halving() {
        var walk = WalkProgress(root: Self.root, maxRepetitions: 10)
        _ = walk.accept([Self.row(1, 1)])
        #expect(walk.halveRepetitions() == .fetch(after: Self.row(1, 1).oid, repetitions: 5))
        #expect(walk.halveRepetitions() == .fetch(after: Self.row(1, 1).oid, repetitions: 2))
        #expect(walk.halveRepetitions() == .fetch(after: Self.row(1, 1).oid, repetitions: 1))
        #expect(walk.halveRepetitions() == nil)
        #expect(walk.accept([Self.row(1, 2)]) == .fetch(after: Self.row(1, 2).oid, repetitions: 1))
    }

    @Test("walking a leaf finds nothing; an agent that answers with the root itself is broken")
    func leafAndRoot() {
        var leaf = WalkProgress(root: "1.3.6.1.2.1.1.1.0", maxRepetitions: 2)
        #expect(leaf.accept([VarBind("1.3.6.1.2.1.1.2.0", .null)]) == .finished)
        #expect(leaf.bindings.isEmpty)
        var echo = WalkProgress(root: Self.root, maxRepetitions: 2)
        #expect(echo.accept([VarBind(Self.root, .null)]) == .notIncreasing(previous: Self.root, returned: Self.root))
    }
}
