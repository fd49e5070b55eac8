import FTTHCore
import FTTHMetrics
import Foundation
import Logging

extension Duration {
    /// The duration in seconds, for dates.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

extension AcceptanceEngine {
    /// The engine's life when several daemons share the store: it executes the runs it begins
    /// and the runs nobody holds (their daemon died or stopped), each under a lease it renews;
    /// a run whose lease it loses is stopped at once, parked at its persisted step, for the
    /// daemon that took it. On cancellation (SIGTERM) its runs park and their leases are given
    /// up, so another daemon resumes them without waiting for the leases to run out.
    func runInCluster(_ cluster: ClusterMembership) async {
        logger.notice(
            "executing runs as a member of a cluster",
            metadata: [
                "holder": "\(cluster.holder)", "lease_s": "\(cluster.lease.seconds)",
                "max_runs": "\(cluster.maxRuns)",
            ])
        let queue = self.queue
        if let predecessor = cluster.predecessor { await resumeOwnRuns(of: predecessor, cluster) }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.keepLeases(cluster) }
            group.addTask { await self.takeUnheldRuns(cluster) }
            for await run in queue { launch(run) }
            group.cancelAll()
        }
        let held = Array(executions.keys)
        for task in executions.values { task.cancel() }
        for task in executions.values { await task.value }
        // This task is cancelled by now (SIGTERM), and neither store starts work in a cancelled
        // task (GRDB and PostgresNIO's pool throw CancellationError): the leases are given up
        // in a task of their own, or another daemon would wait for them to run out.
        let store = self.store
        let release = Task { try await store.releaseLeases(held, holder: cluster.holder) }
        do {
            try await release.value
        } catch {
            logger.warning(
                "could not give up the leases of runs \(held) (\(error)); other daemons take them over when they run out"
            )
        }
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    /// Executes `run` in a task of its own, which the lease keeper may cancel.
    func launch(_ run: TestRun) {
        guard executions[run.id] == nil else { return }
        if renewedAt[run.id] == nil { renewedAt[run.id] = now() }
        executions[run.id] = Task {
            _ = await self.execute(run)
            self.executionEnded(run.id)
        }
        clusterMetrics.leasesHeld(executions.count)
    }

    /// A run's execution ended: the run ended (its lease with it), another daemon took it, or it
    /// parked at SIGTERM and its lease is given up next; either way this daemon no longer holds it.
    func executionEnded(_ id: Int64) {
        executions[id] = nil
        renewedAt[id] = nil
        clusterMetrics.leasesHeld(executions.count)
    }

    /// The runs this daemon executes now.
    public var heldRunIDs: [Int64] { executions.keys.sorted() }

    /// Renews the leases of the runs under way every third of a lease. A run another daemon
    /// took is stopped; when the store cannot be reached, a run is stopped once half its lease
    /// has passed since its last renewal, before any other daemon may take it.
    func keepLeases(_ cluster: ClusterMembership) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: cluster.renewEvery) } catch { return }
            let ids = Array(executions.keys)
            let at = now()
            // The OLT slots held across the cluster, as long as the runs' leases.
            _ = try? await store.renewPermits(
                holder: cluster.holder, at: at, until: at.addingTimeInterval(cluster.lease.seconds))
            guard !ids.isEmpty else { continue }
            do {
                let held = try await store.renewLeases(
                    ids, lease: RunLease(holder: cluster.holder, until: at.addingTimeInterval(cluster.lease.seconds)),
                    at: at)
                for id in ids {
                    if held.contains(id) {
                        renewedAt[id] = at
                    } else {
                        stopLost(id, "another daemon holds its lease now")
                    }
                }
            } catch {
                for id in ids where at.timeIntervalSince(renewedAt[id] ?? at) >= cluster.lease.seconds / 2 {
                    stopLost(id, "its lease could not be renewed for half its length (\(error))")
                }
            }
        }
    }

    func stopLost(_ id: Int64, _ why: String) {
        guard let task = executions[id] else { return }
        logger.warning(
            "stopping run \(id) without touching its OLT again: \(why); the daemon holding it resumes it at its persisted step"
        )
        task.cancel()
    }

    /// Resumes the runs an earlier process of this daemon held when it died, at once: their
    /// leases would keep every other daemon, and this one, away for up to a lease.
    func resumeOwnRuns(of predecessor: String, _ cluster: ClusterMembership) async {
        let at = now()
        do {
            let runs = try await store.reclaimRuns(
                of: predecessor,
                lease: RunLease(holder: cluster.holder, until: at.addingTimeInterval(cluster.lease.seconds)), at: at)
            for leased in runs {
                renewedAt[leased.run.id] = at
                logger.notice(
                    "resuming run \(leased.run.id) of \(leased.run.port.key) at \(leased.run.step.rawValue): this daemon held it before it restarted",
                    metadata: ["run.id": "\(leased.run.id)", "olt.id": "\(leased.run.port.olt)"])
                launch(leased.run)
            }
        } catch {
            logger.warning(
                "could not resume the runs this daemon held before it restarted (\(error)); they are taken when their leases run out"
            )
        }
    }

    /// Takes the runs nobody holds, as many as this daemon has room for, every `pollEvery`.
    func takeUnheldRuns(_ cluster: ClusterMembership) async {
        while !Task.isCancelled {
            let room = cluster.maxRuns - executions.count
            if room > 0 {
                let at = now()
                do {
                    let taken = try await store.takeRuns(
                        lease: RunLease(holder: cluster.holder, until: at.addingTimeInterval(cluster.lease.seconds)),
                        limit: room, at: at)
                    for leased in taken {
                        renewedAt[leased.run.id] = at
                        if leased.takenOver {
                            clusterMetrics.tookOver()
                            logger.notice(
                                "took over run \(leased.run.id) of \(leased.run.port.key) at \(leased.run.step.rawValue): the daemon that held it let its lease run out",
                                metadata: ["run.id": "\(leased.run.id)", "olt.id": "\(leased.run.port.olt)"])
                        }
                        launch(leased.run)
                    }
                } catch {
                    logger.warning("could not look for runs nobody holds: \(error); trying again")
                }
            }
            do { try await clock.sleep(for: cluster.pollEvery) } catch { return }
        }
    }
}
