import Foundation

/// A running `olt-sim` executable, started as a person starts it, for the ftthctl tests.
struct OLTSimProcess {
    let process: Process
    /// What olt-sim printed up to `olt-sim ready`.
    let banner: String
    /// The lines of its `--ports-file`.
    let portLines: [Substring]

    /// Starts `olt-sim ARGUMENTS --ports-file …` and waits until it is ready.
    static func start(_ cli: FTTHCtlRunner, _ arguments: [String]) throws -> OLTSimProcess {
        let sim = Process()
        sim.executableURL = FTTHCtlRunner.executable.deletingLastPathComponent().appendingPathComponent("olt-sim")
        let portsFile = cli.path("ports.txt")
        sim.arguments = arguments + ["--ports-file", portsFile]
        let out = Pipe()
        sim.standardOutput = out
        sim.standardError = Pipe()
        try sim.run()
        var seen = ""
        while !seen.contains("olt-sim ready") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let lines = (try? String(contentsOfFile: portsFile, encoding: .utf8))?.split(separator: "\n") ?? []
        return OLTSimProcess(process: sim, banner: seen, portLines: lines)
    }

    /// The UDP port of each OLT's SNMP agent (the last word of each SNMP line).
    var snmpPorts: [Int] {
        portLines.filter { !$0.hasPrefix("cli ") }.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
    }

    /// The `cli NAME telnet=P ssh=P host-key=…` lines.
    var cliLines: [Substring] { portLines.filter { $0.hasPrefix("cli ") } }

    func stop() { stopProcess(process) }
}
