import FTTHCore
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test func theWaitDoublesFromTheFirstFailureUpToItsCap() {
        let b = Backoff(initial: .seconds(2), maximum: .seconds(60))
        #expect((0...7).map { b.delay(afterFailures: $0) } == [2, 2, 4, 8, 16, 32, 60, 60].map(Duration.seconds))
        #expect(b.delay(afterFailures: 10_000) == .seconds(60))
    }

    @Test func aCapBelowTheFirstWaitIsTheWait() {
        #expect(Backoff(initial: .seconds(5), maximum: .seconds(3)).delay(afterFailures: 1) == .seconds(3))
    }
}
