import PPPoELink
import Testing

/// The simulated BRAS's plan rate: a token bucket and a queue per session and direction, on a
/// manual clock.
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

    static let bras: [UInt8] = [10, 67, 0, 1]
    static let a: [UInt8] = [10, 67, 0, 10]
    static let b: [UInt8] = [10, 67, 0, 11]

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
        #expect(bucket.readyTime(bytes: 1500) == .seconds(10) + .microseconds(1500))
    }

    @Test func aClockThatGoesBackAddsNothing() {
        var bucket = TokenBucket(bitsPerSecond: 8_000_000, burstBytes: 1500, now: .seconds(5))
        let passed = [
            bucket.admit(bytes: 1500, now: .seconds(5)), bucket.admit(bytes: 1500, now: .seconds(4)),
            bucket.admit(bytes: 1, now: .seconds(5)),
        ]
        #expect(passed == [true, false, false])
    }

    @Test func aShaperQueuesWhatIsOverTheRateAndLetsItGoAtTheRate() {
        // 12 Mbit/s = 1500 bytes per ms; a burst of 2 packets, a queue of 3.
        var shaper = PacketShaper(bitsPerSecond: 12_000_000, burstBytes: 3000, queueLimitBytes: 4500, now: .zero)
        var sent = 0
        for _ in 0..<6 { sent += shaper.offer([UInt8](repeating: 0, count: 1500), now: .zero).count }
        // 2 pass at once, 3 wait, the sixth finds the queue full.
        #expect(sent == 2)
        #expect(shaper.queuedPackets == 3)
        #expect(shaper.droppedPackets == 1)
        #expect(shaper.nextRelease == .milliseconds(1))
        #expect(shaper.release(now: .microseconds(999)).isEmpty)
        #expect(shaper.release(now: .milliseconds(1)).count == 1)
        // A packet offered while others wait queues behind them, in order.
        var marked = [UInt8](repeating: 0, count: 1500)
        marked[0] = 7
        #expect(shaper.offer(marked, now: .milliseconds(1)).isEmpty)
        let later = [2, 3, 4].flatMap { shaper.release(now: .milliseconds($0)) }
        #expect(later.count == 3)
        #expect(later.last?.first == 7)
        #expect(shaper.nextRelease == nil)
        #expect(shaper.bucket.passedPackets == 6)
    }

    @Test(arguments: [10.0, 25.0, 100.0])
    func twiceTheRateOfferedForTenSecondsLeavesAtTheRate(mbps: Double) {
        let rate = mbps * 1_000_000
        var shaper = PacketShaper(bitsPerSecond: rate, burstBytes: 20_000, queueLimitBytes: 60_000, now: .zero)
        // 1500-byte packets at twice the rate; the owner releases at each `nextRelease`.
        let gap = Duration.nanoseconds(Int64(1500 * 8 / (2 * rate) * 1e9))
        var now = Duration.zero
        var sentBytes = 0
        while now < .seconds(10) {
            if let due = shaper.nextRelease, due <= now {
                sentBytes += shaper.release(now: due).reduce(0) { $0 + $1.count }
            }
            sentBytes += shaper.offer([UInt8](repeating: 0, count: 1500), now: now).reduce(0) { $0 + $1.count }
            now += gap
        }
        let expected = rate / 8 * 10 + 20_000
        #expect(abs(Double(sentBytes) - expected) <= 3000, "\(sentBytes) vs \(expected)")
        #expect(shaper.droppedPackets > 0)
    }

    @Test func eachSessionAndDirectionHasItsOwnShaper() {
        var limiter = SessionRateLimiter(burst: .milliseconds(1), queue: .milliseconds(1))
        // 12 Mbit/s for 1 ms is 1500 bytes: the floor of 3 full-size packets applies to both.
        limiter.open(address: Self.a, bitsPerSecond: 12_000_000, now: .zero)
        limiter.open(address: Self.b, bitsPerSecond: 1_000_000_000, now: .zero)
        let fromA = (0..<7).map { _ in limiter.offerUpstream(Self.packet(from: Self.a, to: Self.bras), now: .zero).count
        }
        #expect(fromA == [1, 1, 1, 0, 0, 0, 0])
        #expect(limiter.session(address: Self.a)?.upstream.queuedPackets == 3)
        #expect(limiter.session(address: Self.a)?.upstream.droppedPackets == 1)
        #expect(limiter.nextRelease == .milliseconds(1))
        // The other direction of a, and the other session, are untouched.
        let toA = limiter.offerDownstream(Self.packet(from: Self.bras, to: Self.a), now: .zero)
        #expect(toA.count == 1)
        let fromB = (0..<50).map { _ in limiter.offerUpstream(Self.packet(from: Self.b, to: Self.bras), now: .zero) }
        #expect(fromB.allSatisfy { $0.count == 1 })
        // The waiting packets leave as tokens come: one per ms.
        let released = limiter.release(now: .milliseconds(2))
        #expect(released.upstream.count == 2)
        #expect(released.downstream.isEmpty)
        // Addresses without a session, and runts, pass unshaped.
        let other: [UInt8] = [192, 0, 2, 1]
        let fromOther = (0..<10).map { _ in limiter.offerUpstream(Self.packet(from: other, to: Self.bras), now: .zero) }
        #expect(fromOther.allSatisfy { $0.count == 1 })
        let runt = limiter.offerDownstream([0x45, 0, 0], now: .zero)
        #expect(runt == [[0x45, 0, 0]])
        // A closed session is forgotten, with what waited.
        limiter.close(address: Self.a)
        #expect(limiter.session(address: Self.a) == nil)
        #expect(limiter.nextRelease == nil)
        let afterClose = limiter.offerUpstream(Self.packet(from: Self.a, to: Self.bras), now: .zero)
        #expect(afterClose.count == 1)
    }

    @Test func aCutSessionPassesNothingEitherWayFromItsTime() {
        var limiter = SessionRateLimiter()
        limiter.open(address: Self.a, bitsPerSecond: 1_000_000_000, now: .zero, cutFrom: .seconds(2))
        let before = [
            limiter.offerUpstream(Self.packet(from: Self.a, to: Self.bras), now: .seconds(1)).count,
            limiter.offerDownstream(Self.packet(from: Self.bras, to: Self.a), now: .milliseconds(1999)).count,
        ]
        let after = [
            limiter.offerUpstream(Self.packet(from: Self.a, to: Self.bras), now: .seconds(2)).count,
            limiter.offerDownstream(Self.packet(from: Self.bras, to: Self.a), now: .seconds(60)).count,
        ]
        #expect(before == [1, 1])
        #expect(after == [0, 0])
        #expect(limiter.session(address: Self.a)?.cutPackets == 2)
        #expect(limiter.nextRelease == nil)
    }
}
