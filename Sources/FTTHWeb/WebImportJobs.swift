import FTTHCore
import Foundation

/// Uploads an administrator checked and has not yet saved: the validated content waits here,
/// in memory, between the dry run that showed it and the confirmation that stores it. A check
/// is saved at most once, only by who uploaded it, within ``lifetime``; a restart forgets them
/// all (the file is uploaded again).
actor WebImportJobs {
    /// What a checked upload holds, ready for the store.
    enum Payload: Sendable {
        case projects(ProjectImportPlan)
        case cvlans(CVLANRangeImport)
    }

    struct Job: Sendable {
        let id: String
        let owner: String
        let file: String
        let payload: Payload
        let created: Date
    }

    /// How long a checked upload waits for its confirmation.
    let lifetime: TimeInterval
    /// At most this many wait at once (the oldest goes first): a plan holds a whole file's rows.
    let capacity: Int
    private var jobs: [String: Job] = [:]

    init(lifetime: TimeInterval = 30 * 60, capacity: Int = 8) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Keeps a checked upload of `owner`; returns the id its confirmation names.
    func add(owner: String, file: String, payload: Payload, at now: Date) -> String {
        jobs = jobs.filter { now.timeIntervalSince($0.value.created) < lifetime }
        while jobs.count >= capacity, let oldest = jobs.values.min(by: { $0.created < $1.created }) {
            jobs[oldest.id] = nil
        }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        jobs[id] = Job(id: id, owner: owner, file: file, payload: payload, created: now)
        return id
    }

    /// The checked upload `id` of `owner`, removed so it is saved once; nil when unknown,
    /// another person's, or expired.
    func take(_ id: String, owner: String, at now: Date) -> Job? {
        guard let job = jobs[id], job.owner == owner else { return nil }
        jobs[id] = nil
        return now.timeIntervalSince(job.created) < lifetime ? job : nil
    }
}
