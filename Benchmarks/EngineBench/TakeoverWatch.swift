import Foundation

/// Times the takeover of a SIGKILLed daemon's runs. Right after the kill it reads which runs the
/// dead daemon held (the `run_leases` rows whose holder is its `[cluster] name`: a holder is
/// `NAME/pid/random`), when their leases run out, and the OLT slots (`permits`) it held; then it
/// reads those runs' lease rows every `interval` on a thread of its own and notes when each got
/// another holder. A daemon takes a run (`FOR UPDATE SKIP LOCKED`) in the transaction that
/// changes the holder and starts executing it at its persisted step right after, so a changed
/// holder is a run executing again.
///
/// `@unchecked Sendable`: the thread and the caller share `taken` and `stopping` only under
/// `lock`; the rest is set in `init` and never changes.
final class TakeoverWatch: @unchecked Sendable {
    struct Takeover {
        var run: Int64
        /// Seconds from the kill to the first read that saw another holder.
        var after: Double
        /// The `[cluster] name` of the daemon that took it.
        var by: String
    }

    /// What the dead daemon held at the kill, and what became of its runs.
    struct Report {
        /// Its runs under way.
        var runs: [Int64]
        /// Seconds from the kill to the end of each of those runs' leases (its last renewal
        /// plus `lease_s`).
        var leaseEnds: [Double]
        /// Its OLT slots held then, by kind (`cli-session`, `olt-work`), with the seconds from the
        /// kill until each runs out.
        var permits: [(kind: String, endsAfter: Double)]
        var taken: [Takeover]
        /// Reads of `run_leases` made after the kill, and those of them psql failed.
        var reads: Int
        var failedReads: Int
        var interval: Double
    }

    private let store: BenchStore
    private let prefix: String
    private let killed: ContinuousClock.Instant
    private let interval: Double
    private let runs: [Int64]
    private let leaseEnds: [Double]
    private let permits: [(kind: String, endsAfter: Double)]
    private let lock = NSLock()
    private var taken: [Int64: Takeover] = [:]
    private var reads = 0
    private var failedReads = 0
    private var stopping = false
    private var thread: Thread?

    /// Starts watching the runs of the daemon named `victim`, killed at `killed` (`killedAt` on
    /// the wall clock, which PostgreSQL's `now()` shares on this machine).
    init(
        store: BenchStore, victim: String, killed: ContinuousClock.Instant, killedAt: Date, interval: Double = 0.25
    ) throws {
        self.store = store
        prefix = victim + "/"
        self.killed = killed
        self.interval = interval
        let epoch = killedAt.timeIntervalSince1970
        let leases = try store.psql(
            "SELECT run_id, extract(epoch FROM until) FROM run_leases WHERE holder LIKE '\(prefix)%' ORDER BY run_id")
        runs = leases.compactMap { Int64($0[0]) }
        leaseEnds = leases.compactMap { Double($0[1]).map { $0 - epoch } }
        permits = try store.psql(
            "SELECT resource, extract(epoch FROM until) FROM permits WHERE holder LIKE '\(prefix)%' AND until > now()"
        ).compactMap { row in
            guard row.count == 2, let until = Double(row[1]) else { return nil }
            return (String(row[0].prefix { $0 != ":" }), until - epoch)
        }
        let thread = Thread { [self] in watch() }
        self.thread = thread
        thread.start()
    }

    private func watch() {
        guard !runs.isEmpty else { return }
        let list = runs.map(String.init).joined(separator: ",")
        while true {
            let pending = lock.withLock { stopping ? [] : runs.filter { taken[$0] == nil } }
            if pending.isEmpty { return }
            // A read that failed says nothing: a missing row must mean an ended run.
            guard let rows = try? store.psql("SELECT run_id, holder FROM run_leases WHERE run_id IN (\(list))")
            else {
                lock.withLock { failedReads += 1 }
                usleep(UInt32(interval * 1_000_000))
                continue
            }
            let (whole, fraction) = (ContinuousClock.now - killed).components
            let after = Double(whole) + Double(fraction) / 1e18
            var holders: [Int64: Substring] = [:]
            for row in rows where row.count == 2 {
                if let id = Int64(row[0]) { holders[id] = row[1] }
            }
            lock.withLock {
                reads += 1
                for id in pending {
                    // No row: the run ended, so another daemon took it and finished it between reads.
                    let holder = holders[id] ?? "(ended)/"
                    if !holder.hasPrefix(prefix) {
                        taken[id] = Takeover(run: id, after: after, by: String(holder.prefix { $0 != "/" }))
                    }
                }
            }
            usleep(UInt32(interval * 1_000_000))
        }
    }

    /// Whether every run the dead daemon held has another holder.
    var isDone: Bool { lock.withLock { taken.count == runs.count } }

    /// Stops watching and says what was seen.
    func finish() -> Report {
        lock.withLock { stopping = true }
        while thread?.isFinished == false { usleep(10_000) }
        return lock.withLock {
            Report(
                runs: runs, leaseEnds: leaseEnds, permits: permits,
                taken: taken.values.sorted { $0.after < $1.after }, reads: reads, failedReads: failedReads,
                interval: interval)
        }
    }
}
