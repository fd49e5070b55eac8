import OLTSim
import Synchronization

/// What the CLI sessions of one simulated OLT share: the OLT, its CLI configuration, the number
/// of open sessions (for the session cap), the injected faults and the counts of what clients did.
final class SimCLIEndpoint: Sendable {
    let olt: SimulatedOLT
    let configuration: SimCLIConfiguration
    let state = Mutex<(sessions: Int, faults: [SimCLIFault], latencyMilliseconds: Int)>((0, [], 0))
    let counts = Mutex(SimCLIStatistics())

    init(olt: SimulatedOLT, configuration: SimCLIConfiguration) {
        self.olt = olt
        self.configuration = configuration
        state.withLock { $0.latencyMilliseconds = configuration.latencyMilliseconds }
    }

    /// Counts a new session; false when the cap is reached (the session is not counted).
    func openSession() -> Bool {
        state.withLock { s in
            guard s.sessions < configuration.maxSessions else {
                counts.withLock { $0.sessionsRefused += 1 }
                return false
            }
            s.sessions += 1
            let open = s.sessions
            counts.withLock { c in
                c.sessionsOpened += 1
                c.peakSessions = max(c.peakSessions, open)
            }
            return true
        }
    }

    /// Counts a command line a logged-in client typed.
    func countCommand(_ line: String) {
        let kind = SimCLIStatistics.kind(of: line)
        counts.withLock { $0.commands[kind, default: 0] += 1 }
    }

    var statistics: SimCLIStatistics { counts.withLock { $0 } }

    func closeSession() { state.withLock { $0.sessions -= 1 } }

    var openSessions: Int { state.withLock { $0.sessions } }

    var latencyMilliseconds: Int {
        get { state.withLock { $0.latencyMilliseconds } }
        set { state.withLock { $0.latencyMilliseconds = newValue } }
    }

    func setFaults(_ faults: [SimCLIFault]) { state.withLock { $0.faults = faults } }

    /// The fault a command line triggers, removed when it fires once.
    func fault(for line: String) -> SimCLIFault.Action? {
        state.withLock { s in
            let trimmed = line.drop { $0 == " " }
            guard let i = s.faults.firstIndex(where: { trimmed.hasPrefix($0.commandPrefix) }) else { return nil }
            let fault = s.faults[i]
            if fault.once { s.faults.remove(at: i) }
            return fault.action
        }
    }
}
