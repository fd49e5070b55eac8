import PPPoELink
import Testing

/// The simulated BRAS's plan rate: a token bucket per session and direction, on a manual clock.
@Suite("Session rate limiter")
struct SessionRateLimiterTests {
    /// An IPv4 packet of `length` bytes from `source` to `destination` (only the addresses matter).
    static func packet(from source: [UInt8], to destination: [UInt8], length: Int = 1500) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: length)
        p[0] = 0x45
        p[12..<16] = source[...]
        p[16..<20] = destination[...]
        return p
    }

    @Test func aFullBucketPassesItsBurstThenRefillsAtTheRate() {
        // 8 Mbit/s = 1 MB/s; a 3000-byte burst.
        var bucket = TokenBucket(bitsPerSecond: 8_000_000, burstBytes: 3000, now: .zero)
        var passed: [Bool] = []
        passed.append(bucket.admit(bytes: 1500, now: .zero))
        passed.append(bucket.admit(bytes: 1500, now: .zero))
        passed.append(bucket.admit(bytes: 1500, now: .zero))
        // 1 ms later: 1000 bytes of tokens, not yet enough for 1500; 1.5 ms: enough.
        passed.append(bucket.admit(bytes: 1500, now: .milliseconds(1)))
        passed.append(bucket.admit(bytes: 1500, now: .microseconds(1500)))
        // A long quiet spell fills the bucket to its burst, no more.
        passed.append(bucket.admit(bytes: 3000, now: .seconds(10)))
        passed.append(bucket.admit(bytes: 1, now: .seconds(10)))
        #expect(passed == [true, true, false, false, true, true, false])
        #expect(bucket.passedPackets == 4)
        #expect(bucket.droppedPackets == 3)
        #expect(bucket.passedBytes == 7500)
    }

    @Test func aClockThatGoesBackAddsNothing() {
        var bucket = TokenBucket(bitsPerSecond: 8_000_000, burstBytes: 1500, now: .seconds(5))
        let passed = [
            bucket.admit(bytes: 1500, now: .seconds(5)), bucket.admit(bytes: 1500, now: .seconds(4)),
            bucket.admit(bytes: 1, now: .seconds(5)),
        ]
        #expect(passed == [true, false, false])
    }

    @Test(arguments: [10.0, 25.0, 100.0])
    func twiceTheRateOfferedForTenSecondsPassesTheRate(mbps: Double) {
        let rate = mbps * 1_000_000
        var bucket = TokenBucket(bitsPerSecond: rate, burstBytes: 20_000, now: .zero)
        // 1500-byte packets at twice the rate.
        let gap = Duration.nanoseconds(Int64(1500 * 8 / (2 * rate) * 1e9))
        var now = Duration.zero
        while now < .seconds(10) {
            _ = bucket.admit(bytes: 1500, now: now)
            now += gap
        }
        let expected = rate / 8 * 10 + 20_000
        #expect(abs(Double(bucket.passedBytes) - expected) <= 1500, "\(bucket.passedBytes) vs \(expected)")
        #expect(bucket.droppedPackets > bucket.passedPackets / 2)
    }

    @Test func eachSessionAndDirectionHasItsOwnBucket() {
        let bras: [UInt8] = [10, 67, 0, 1]
        let a: [UInt8] = [10, 67, 0, 10]
        let b: [UInt8] = [10, 67, 0, 11]
        var limiter = SessionRateLimiter(burst: .milliseconds(1))
        // 12 Mbit/s for 1 ms is 1500 bytes: the floor of 3 full-size packets applies.
        limiter.open(address: a, bitsPerSecond: 12_000_000, now: .zero)
        limiter.open(address: b, bitsPerSecond: 1_000_000_000, now: .zero)
        let fromA = (0..<4).map { _ in limiter.admitUpstream(Self.packet(from: a, to: bras), now: .zero) }
        #expect(fromA == [true, true, true, false])
        // The other direction of a, and the other session, are untouched.
        let toA = limiter.admitDownstream(Self.packet(from: bras, to: a), now: .zero)
        #expect(toA)
        let fromB = (0..<50).map { _ in limiter.admitUpstream(Self.packet(from: b, to: bras), now: .zero) }
        #expect(fromB.allSatisfy { $0 })
        #expect(limiter.session(address: a)?.upstream.droppedPackets == 1)
        #expect(limiter.session(address: a)?.downstream.passedPackets == 1)
        // Addresses without a session, and runts, pass unshaped.
        let other: [UInt8] = [192, 0, 2, 1]
        let fromOther = (0..<10).map { _ in limiter.admitUpstream(Self.packet(from: other, to: bras), now: .zero) }
        #expect(fromOther.allSatisfy { $0 })
        let runt = limiter.admitDownstream([0x45, 0, 0], now: .zero)
        #expect(runt)
        // A closed session is forgotten.
        limiter.close(address: a)
        #expect(limiter.session(address: a) == nil)
        let afterClose = limiter.admitUpstream(Self.packet(from: a, to: bras), now: .zero)
        #expect(afterClose)
    }

    @Test func aCutSessionPassesNothingEitherWayFromItsTime() {
        let bras: [UInt8] = [10, 67, 0, 1]
        let a: [UInt8] = [10, 67, 0, 10]
        var limiter = SessionRateLimiter()
        limiter.open(address: a, bitsPerSecond: 1_000_000_000, now: .zero, cutFrom: .seconds(2))
        let before = [
            limiter.admitUpstream(Self.packet(from: a, to: bras), now: .seconds(1)),
            limiter.admitDownstream(Self.packet(from: bras, to: a), now: .milliseconds(1999)),
        ]
        let after = [
            limiter.admitUpstream(Self.packet(from: a, to: bras), now: .seconds(2)),
            limiter.admitDownstream(Self.packet(from: bras, to: a), now: .seconds(60)),
        ]
        #expect(before == [true, true])
        #expect(after == [false, false])
        #expect(limiter.session(address: a)?.cutPackets == 2)
    }
}
