import Foundation
import NIOCore
import NIOPosix
import OLTSim
import Synchronization

/// Serves the command line of every OLT of a simulator that has `[olt.cli]`: Telnet and SSH on
/// 127.0.0.1, one shell per session in the OLT's dialect, with the OLT's session cap, latency and
/// faults that tests can change while it runs. SSH is served by libssh (``SimSSHServer``) with
/// the OLT's algorithm set, `modern` or `legacy`.
public final class SimulatorCLIServers: Sendable {
    /// Where one OLT's command line listens once started.
    public struct Endpoint: Sendable {
        /// The OLT served.
        public var olt: SimulatedOLT
        /// Index of the OLT in the simulator.
        public var index: Int
        /// The bound Telnet port; nil when the OLT serves no Telnet.
        public var telnetPort: Int?
        /// The bound SSH port; nil when the OLT serves no SSH.
        public var sshPort: Int?
        /// The SSH host key a client is shown, in OpenSSH form: `ssh-ed25519 AAAA…` from a
        /// `modern` server, `ssh-rsa AAAA…` from a `legacy` one; for a client to pin.
        public var hostKey: String?
        /// Every host key the server has (Ed25519, then RSA), in OpenSSH form.
        public var hostKeys: [String] = []
    }

    public let simulator: OLTSimulator
    let endpoints: [Int: SimCLIEndpoint]
    let hostKeys: [Int: SimSSHHostKeys]
    let group: MultiThreadedEventLoopGroup
    let host: String
    let channels = Mutex<[any Channel]>([])
    let sshServers = Mutex<[SimSSHServer]>([])

    /// Prepares the servers; reads or creates each OLT's SSH host keys. Throws when a key file
    /// cannot be read or written, naming the OLT and the directory.
    public init(simulator: OLTSimulator, host: String = "127.0.0.1") throws {
        self.simulator = simulator
        self.host = host
        var endpoints: [Int: SimCLIEndpoint] = [:]
        var keys: [Int: SimSSHHostKeys] = [:]
        for (i, olt) in simulator.olts.enumerated() {
            guard let cli = olt.config.cli else { continue }
            endpoints[i] = SimCLIEndpoint(olt: olt, configuration: cli)
            if cli.sshPort != nil {
                do {
                    keys[i] = try SimSSHHostKeys.load(directory: cli.hostKeyDirectory)
                } catch {
                    throw SimulatorError(
                        "OLT \(olt.config.name): SSH host keys in \(cli.hostKeyDirectory ?? "memory"): \(error); check the path and its permissions in [olt.cli] host_key_dir"
                    )
                }
            }
        }
        self.endpoints = endpoints
        hostKeys = keys
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds every Telnet and SSH server; returns each OLT with a command line and its ports.
    /// Throws when a port is taken, naming the OLT and the port.
    public func start() async throws -> [Endpoint] {
        var result: [Endpoint] = []
        for index in endpoints.keys.sorted() {
            let endpoint = endpoints[index]!
            let cli = endpoint.configuration
            var bound = Endpoint(olt: endpoint.olt, index: index)
            do {
                if let port = cli.telnetPort {
                    bound.telnetPort = try await bindTelnet(endpoint, port: port)
                }
                if let port = cli.sshPort, let key = hostKeys[index] {
                    bound.sshPort = try bindSSH(endpoint, port: port, keys: key)
                    bound.hostKeys = [
                        try SimSSHHostKeys.publicLine(of: key.ed25519), try SimSSHHostKeys.publicLine(of: key.rsa),
                    ]
                    let shown = cli.sshAlgorithms.presentedKeyType
                    bound.hostKey = bound.hostKeys.first { $0.hasPrefix(shown + " ") }
                }
            } catch {
                await stop()
                throw SimulatorError(
                    "OLT \(endpoint.olt.config.name): cannot listen on TCP \(cli.telnetPort ?? 0)/\(cli.sshPort ?? 0): \(error); pick other ports in [olt.cli]"
                )
            }
            result.append(bound)
        }
        return result
    }

    func bindTelnet(_ endpoint: SimCLIEndpoint, port: Int) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        TelnetServerCodec(), SimCLISessionHandler(endpoint: endpoint, needsLogin: true),
                    ])
                }
            }
            .bind(host: host, port: port).get()
        channels.withLock { $0.append(channel) }
        return channel.localAddress?.port ?? port
    }

    /// Starts the OLT's libssh server; its accept loop and connections run on threads of their own.
    func bindSSH(_ endpoint: SimCLIEndpoint, port: Int, keys: SimSSHHostKeys) throws -> Int {
        let server = try SimSSHServer(endpoint: endpoint, host: host, port: port, keys: keys, group: group)
        sshServers.withLock { $0.append(server) }
        server.start()
        return server.port
    }

    /// Closes every listening socket (open sessions end with the event loop and the SSH servers).
    public func stop() async {
        let open = channels.withLock { c in
            defer { c.removeAll() }
            return c
        }
        for channel in open { try? await channel.close() }
        let ssh = sshServers.withLock { s in
            defer { s.removeAll() }
            return s
        }
        for server in ssh { await server.stop() }
        try? await group.shutdownGracefully()
    }

    /// Injects faults on one OLT's command line (its index in the simulator), replacing any
    /// before; an empty list clears them. A session already hung stays hung.
    public func setFaults(_ faults: [SimCLIFault], olt index: Int) {
        precondition(endpoints[index] != nil, "OLT \(index) has no [olt.cli]")
        endpoints[index]!.setFaults(faults)
    }

    /// Changes the time one OLT's command line takes per command.
    public func setLatency(milliseconds: Int, olt index: Int) {
        precondition(endpoints[index] != nil, "OLT \(index) has no [olt.cli]")
        endpoints[index]!.latencyMilliseconds = milliseconds
    }

    /// What clients did on one OLT's command line since the servers started: sessions opened and
    /// refused, the peak, and the commands typed by kind.
    public func statistics(olt index: Int) -> SimCLIStatistics { endpoints[index]?.statistics ?? SimCLIStatistics() }

    /// How many sessions are open on one OLT's command line now.
    public func openSessions(olt index: Int) -> Int { endpoints[index]?.openSessions ?? 0 }
}
