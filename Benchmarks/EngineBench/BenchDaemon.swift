import Foundation
import ProcessLab

/// One ftth-acceptd of the benchmark: its configuration, its API, its process once started, and
/// its memory and CPU, read at the end of the run or just before it is SIGKILLed.
final class BenchDaemon {
    /// Its `[cluster] name` with PostgreSQL; `ftth-acceptd` alone on SQLite.
    let name: String
    let configuration: String
    let apiPort: Int
    var process: LabProcess?
    var api: BenchAPI?
    var cpuBefore: (user: Double, system: Double) = (0, 0)
    var cpuAtEnd: (user: Double, system: Double) = (0, 0)
    var memoryAtEnd: (peakKilobytes: Int, currentKilobytes: Int) = (0, 0)
    /// When it was SIGKILLed, from the first POST.
    var killedAfter: Double?

    init(name: String, configuration: String, apiPort: Int) {
        self.name = name
        self.configuration = configuration
        self.apiPort = apiPort
    }

    /// Notes its memory and CPU now: the end of its part in the run.
    func readFigures() {
        guard let process else { return }
        memoryAtEnd = process.memory()
        cpuAtEnd = process.cpuSeconds()
    }

    /// CPU seconds from the first POST to the end of its part.
    var cpuDuringRun: (user: Double, system: Double) {
        (cpuAtEnd.user - cpuBefore.user, cpuAtEnd.system - cpuBefore.system)
    }

    /// Writes what it logged to `directory`/`name`.log; returns its log.
    @discardableResult
    func saveLog(in directory: String) -> String {
        let log = process?.standardError ?? ""
        try? log.write(toFile: "\(directory)/\(name).log", atomically: true, encoding: .utf8)
        return log
    }
}
