import FTTHCore
import FTTHWire
import Foundation

/// One service test as the probe carries it out: dial with the assignment's test account, measure
/// throughput both ways through the session, and say what was measured. The verdict is the
/// daemon's (FTTHCore's ``ServiceRule``); the probe shows the same rule's answer to the crew.
public struct ServiceTestJob: Sendable {
    public var interface: String
    public var dialer: any SessionDialer
    /// The daemon's URL and token, for the speed-test endpoints.
    public var daemon: ServerAddress
    public var token: String
    public var log: @Sendable (String) -> Void

    public init(
        interface: String, dialer: any SessionDialer, daemon: ServerAddress, token: String,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.interface = interface
        self.dialer = dialer
        self.daemon = daemon
        self.token = token
        self.log = log
    }

    /// What is measured against: the assignment's iperf3 server when it names one, else the
    /// daemon's own speed-test endpoints.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case iperf3(String)
        case speedTest(ServerAddress)

        public var description: String {
            switch self {
            case .iperf3(let server): "iperf3 \(server)"
            case .speedTest(let server): "\(server)/v1/speedtest"
            }
        }
    }

    public func target(of assignment: ServiceTestAssignment) -> Target {
        assignment.iperf3Server.isEmpty ? .speedTest(daemon) : .iperf3(assignment.iperf3Server)
    }

    /// Dials, measures and hangs up, calling `progress` once the session is up and once the
    /// download is measured (for the live view), and `whileUp` (to post the result through the
    /// line) before the hang-up. Never throws: every failure is part of the measurement.
    public func run(
        _ assignment: ServiceTestAssignment, now: @Sendable () -> Date = Date.init,
        progress: @Sendable (ServiceProgressWire) async -> Void = { _ in },
        whileUp: @Sendable (ServiceMeasurementWire) async -> Void = { _ in }
    ) async -> ServiceMeasurementWire {
        let target = target(of: assignment)
        let request = DialRequest(
            interface: interface, username: assignment.username, password: assignment.password,
            serviceName: assignment.serviceName, acName: assignment.acName.isEmpty ? nil : assignment.acName,
            vlan: assignment.vlan, routes: Self.routedHosts(target: target, daemon: daemon))
        log(
            "service test \(assignment.id): \(assignment.project) \(assignment.splitter) port \(assignment.port), "
                + "dialling as \(assignment.username) on \(interface)")
        switch await dialer.dial(request) {
        case .failed(let code, let message, let phases):
            log("service test \(assignment.id): dial failed (\(code)): \(message)")
            return ServiceMeasurementWire(
                result: .fail, reason: ServiceReasonWire(code: code, message: message),
                phases: ServicePhasesWire(phases), measuredAt: now())
        case .up(let session):
            log(
                "service test \(assignment.id): up as \(session.localAddress) via \(session.acName), "
                    + "MRU \(session.mru), MSS \(session.mss); measuring against \(target) for \(assignment.durationS) s each way"
            )
            var measurement = ServiceMeasurementWire(
                result: .pass, phases: ServicePhasesWire(session.phases), ip: session.localAddress, dns: session.dns,
                mru: session.mru, mss: session.mss, server: target.description, measuredAt: now())
            let duration = Duration.seconds(max(1, assignment.durationS))
            let phases = ServicePhasesWire(session.phases)
            await progress(ServiceProgressWire(stage: "up", phases: phases, ip: session.localAddress))
            do {
                let figures = try await measure(target, from: session.localAddress, duration: duration) { down in
                    await progress(
                        ServiceProgressWire(
                            stage: "down_measured", phases: phases, ip: session.localAddress, downMbps: down))
                }
                measurement.downMbps = figures.down
                measurement.upMbps = figures.up
                measurement.rttMs = figures.rtt
                log(
                    "service test \(assignment.id): down \(Self.format(figures.down)) Mbit/s, up \(Self.format(figures.up)) Mbit/s"
                        + (figures.rtt.map { ", RTT \(Self.format($0)) ms" } ?? ""))
            } catch {
                measurement.result = .fail
                if let ended = session.endedWith {
                    // The line went away under the measurement: that is the crew's reason.
                    measurement.reason = ServiceReasonWire(
                        code: ended.code, message: "\(ended.message) (during the throughput test)")
                } else {
                    measurement.reason = ServiceReasonWire(code: "throughput_failed", message: "\(error)")
                }
                log("service test \(assignment.id): throughput not measured: \(measurement.reason?.message ?? "")")
            }
            measurement.measuredAt = now()
            await whileUp(measurement)
            await session.hangUp()
            return measurement
        }
    }

    struct Figures {
        var down: Double
        var up: Double
        var rtt: Double?
    }

    /// Down, then up; `afterDown` hears the download's Mbit/s before the upload starts.
    func measure(
        _ target: Target, from address: String, duration: Duration,
        afterDown: @Sendable (Double) async -> Void = { _ in }
    ) async throws -> Figures {
        switch target {
        case .iperf3(let server):
            let runner = IperfRunner(server: server)
            let down = try await runner.run(direction: .download, duration: duration, bindAddress: address)
            await afterDown(down.megabitsPerSecond)
            let up = try await runner.run(direction: .upload, duration: duration, bindAddress: address)
            return Figures(
                down: down.megabitsPerSecond, up: up.megabitsPerSecond,
                rtt: up.meanRTT.map { SpeedTestClient.seconds($0) * 1000 })
        case .speedTest(let server):
            let client = SpeedTestClient(server: server, token: token, bindAddress: address)
            let rtt = try await client.ping()
            let down = try await client.download(duration: duration)
            await afterDown(down.megabitsPerSecond)
            let up = try await client.upload(duration: duration)
            return Figures(
                down: down.megabitsPerSecond, up: up.megabitsPerSecond, rtt: SpeedTestClient.seconds(rtt) * 1000)
        }
    }

    /// The IPv4 addresses to route through the session: the measured server and the daemon.
    static func routedHosts(target: Target, daemon: ServerAddress) -> [String] {
        var hosts: [String] = []
        switch target {
        case .iperf3(let server): hosts.append(IperfRunner(server: server).endpoint.host)
        case .speedTest: break
        }
        hosts.append(daemon.host)
        var seen = Set<String>()
        // A loopback address never goes through the line (the demo's daemon on the probe's host).
        return hosts.compactMap(HostResolver.ipv4).filter { !$0.hasPrefix("127.") && seen.insert($0).inserted }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Names to IPv4 addresses, for routes.
public enum HostResolver {
    /// `host` as a dotted IPv4 address (itself when it is one); nil when it has none.
    public static func ipv4(_ host: String) -> String? {
        var address = in_addr()
        if inet_pton(AF_INET, host, &address) == 1 { return host }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        guard let sockaddr = first.pointee.ai_addr else { return nil }
        return sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            var addr = sin.pointee.sin_addr
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &addr, &buffer, socklen_t(INET_ADDRSTRLEN)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
