import FTTHCore
import OLTSim
import SNMPAgent
import SNMPModel

/// Serves every OLT of a simulator on its own SNMP agent (127.0.0.1, one UDP port per OLT), with
/// the latency, rate limit and faults of its configuration; faults can change while it runs.
public final class SimulatorAgents: Sendable {
    public let simulator: OLTSimulator
    /// One agent per OLT, in the configuration's order.
    public let servers: [SNMPAgentServer]

    /// Builds the agents; throws when an OLT's SNMP configuration is unusable (a DES v3 user,
    /// a short pass phrase), naming the OLT.
    public init(simulator: OLTSimulator, host: String = "127.0.0.1") throws {
        self.simulator = simulator
        servers = try zip(simulator.olts, simulator.mibs).map { olt, mib in
            do {
                return try SNMPAgentServer(
                    configuration: Self.configuration(olt.config, host: host), view: MIBAdapter(mib: mib))
            } catch {
                throw SimulatorError("OLT \(olt.config.name): \(error)")
            }
        }
    }

    static func configuration(_ olt: SimOLT, host: String) -> SNMPAgentConfiguration {
        var latency = Duration.milliseconds(olt.snmp.latencyMilliseconds)
        if case .slow(let ms) = olt.snmp.fault { latency = .milliseconds(ms) }
        return SNMPAgentConfiguration(
            host: host, port: olt.snmp.port, readOnlyCommunities: [olt.snmp.community],
            readWriteCommunities: [olt.snmp.writeCommunity],
            users: olt.snmp.v3Users.map {
                SNMPAgentConfiguration.User(SNMPv3Security(user: $0.user, auth: $0.auth, priv: $0.priv))
            },
            engineID: SNMPAgentConfiguration.engineID(seed: olt.name), responseDelay: latency,
            maxRequestsPerSecond: olt.snmp.maxRequestsPerSecond, isAnswering: olt.snmp.fault != .silent)
    }

    /// Binds every agent; returns each OLT with its UDP port.
    public func start() async throws -> [(olt: SimulatedOLT, port: Int)] {
        var bound: [(olt: SimulatedOLT, port: Int)] = []
        for (olt, server) in zip(simulator.olts, servers) {
            do {
                bound.append((olt, try await server.start()))
            } catch {
                await stop()
                throw SimulatorError(
                    "OLT \(olt.config.name): cannot listen on UDP \(olt.config.snmp.port): \(error); pick another port in the configuration"
                )
            }
        }
        return bound
    }

    /// Stops every agent.
    public func stop() async {
        for server in servers { await server.stop() }
    }

    /// Injects or clears an agent fault on one OLT while it runs.
    public func setFault(_ fault: AgentFault?, olt index: Int) {
        let server = servers[index]
        let config = simulator.olts[index].config
        server.isAnswering = fault != .silent
        if case .slow(let ms) = fault {
            server.responseDelay = .milliseconds(ms)
        } else {
            server.responseDelay = .milliseconds(config.snmp.latencyMilliseconds)
        }
    }
}

/// A simulator failure with a sentence for the person running it.
public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Serves a simulated OLT's MIB to the agent (the simulator has one context).
struct MIBAdapter: MIBView {
    let mib: SimulatedMIB

    func get(_ oid: OID, context: String) async -> SNMPValue { mib.get(oid) }
    func next(after oid: OID, context: String) async -> VarBind? { mib.next(after: oid) }
    func set(_ bindings: [VarBind], context: String) async -> (status: Int, index: Int)? { mib.set(bindings) }
}
