import CLIModel
import FTTHCLI
import Foundation
import OLTSim
import OLTSimServer

// The CLI client's SSH (libssh) against olt-sim's SSH server for one Huawei OLT (libssh server,
// modern set: Ed25519 host key, curve25519, password login) in this process. The swift-nio-ssh
// client it was once compared with is gone (docs/benchmarks.md keeps those figures). `sessions` sessions one after another: TCP connect → first
// prompt, then `commands` commands each. Run a release build:
//   swift build -c release --product ssh-client-bench && .build/release/ssh-client-bench [sessions] [commands]
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let sessions = arguments.first ?? 100
let commands = arguments.dropFirst().first ?? 10

var configuration = SimConfiguration.synthetic(olts: 1, onusPerOLT: 16, dialects: [.huaweiMA5800])
configuration.olts[0].cli = SimCLIConfiguration(telnetPort: nil, sshPort: 0, maxSessions: 8)
let simulator = OLTSimulator(configuration: configuration)
let servers = try SimulatorCLIServers(simulator: simulator)
let endpoint = try await servers.start()[0]
let target = CLITarget(
    host: "127.0.0.1", port: endpoint.sshPort!, transport: .ssh, username: "admin", password: "admin",
    hostKey: endpoint.hostKey, loginTimeout: .seconds(30), commandTimeout: .seconds(30))
let clock = ContinuousClock()

func percentile(_ values: [Duration], _ p: Double) -> Double {
    let sorted = values.sorted()
    let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
    let d = sorted[index].components
    return Double(d.seconds) * 1000 + Double(d.attoseconds) / 1e15
}

func measure(_ name: String, _ open: () async throws -> any CLISession) async throws {
    var setups: [Duration] = []
    var perCommand: [Duration] = []
    for _ in 0..<sessions {
        let start = clock.now
        let session = try await open()
        setups.append(clock.now - start)
        for _ in 0..<commands {
            let begin = clock.now
            _ = try await session.run("display board 0", timeout: .seconds(30))
            perCommand.append(clock.now - begin)
        }
        await session.close()
    }
    func line(_ what: String, _ values: [Duration]) -> String {
        let ms = { (v: Double) in String(format: "%.2f", v) }
        return "\(name) \(what): p50 \(ms(percentile(values, 0.5))) ms, p90 \(ms(percentile(values, 0.9))) ms, "
            + "max \(ms(percentile(values, 1))) ms (n=\(values.count))"
    }
    print(line("connect→prompt", setups))
    print(line("per command", perCommand))
}

print("ssh-client-bench: \(sessions) sessions × \(commands) commands, olt-sim Huawei MA5800 over SSH on 127.0.0.1")
try await measure("libssh        ") { try await LibSSHShellSession.connect(target, style: .huawei) }
await servers.stop()
