import Foundation
import PPPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Carries out PPPCore's `PPPoEAccessConcentrator` on a real interface: the simulated BRAS of the
/// demo. Frames come and go through libpcap; the sessions' IPv4 goes to the host's stack through
/// one TUN interface holding the BRAS's address and subnet, and packets the host routes into it go
/// to the session with their destination address.
///
/// One thread runs `run`, which polls the capture, the TUN device and a wake-up pipe with the
/// access concentrator's `nextDeadline` as its timeout, feeds the access concentrator what
/// arrives and does what it decides. Besides the access concentrator's decisions it only shapes
/// each session's packets to its rate (`SessionRateLimiter`, the plan rate a BRAS enforces),
/// waking also when a packet held by the shaper may leave.
/// `closer` stops it from another thread; every open session then gets a PADT.
public final class PPPoEServerRunner {
    /// Where the sessions' IPv4 meets the host.
    public struct Options: Sendable {
        /// The TUN interface's name.
        public var tunName: String
        /// The BRAS's IPv4 address on the TUN interface, and its subnet's prefix length (a route
        /// to every session's address through the TUN interface).
        public var address: [UInt8]
        public var prefixLength: Int
        /// The TUN interface's MTU: the largest session MRU.
        public var mtu: Int

        public init(tunName: String = "ftthbras0", address: [UInt8], prefixLength: Int = 24, mtu: Int = 1492) {
            precondition(address.count == 4, "an IPv4 address is 4 bytes")
            self.tunName = tunName
            self.address = address
            self.prefixLength = prefixLength
            self.mtu = mtu
        }
    }

    /// How one account's sessions are shaped: the rate each way, and when (after coming up) the
    /// session goes silent, if it does.
    public struct Shaping: Sendable, Equatable {
        public var bitsPerSecond: Double
        public var cutAfter: Duration?

        public init(bitsPerSecond: Double, cutAfter: Duration? = nil) {
            self.bitsPerSecond = bitsPerSecond
            self.cutAfter = cutAfter
        }
    }

    /// What happened, for the caller to print. Called on `run`'s thread.
    public enum Event: Sendable {
        /// A log line of the access concentrator or the runner, with the time since `run` began.
        case log(elapsed: Duration, String)
        /// A session came up.
        case sessionUp(sessionID: UInt16, mac: [UInt8], address: [UInt8], username: String, elapsed: Duration)
        /// A session ended.
        case sessionDown(sessionID: UInt16, mac: [UInt8], reason: String, elapsed: Duration)
    }

    /// Stops the runner from any thread (it ends every session, then returns): the client
    /// runner's wake-up handle, safe from a signal handler's queue.
    public typealias Closer = PPPoESessionRunner.Closer

    /// The interface's capture, opened in `init`.
    public let link: PcapLink
    /// The TUN interface, made and configured in `init`.
    public let tun: TunDevice
    private var concentrator: PPPoEAccessConcentrator
    private var limiter = SessionRateLimiter()
    private let shaping: (String) -> Shaping?
    private var addresses: [PPPoEAccessConcentrator.SessionKey: [UInt8]] = [:]
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var stopping = false
    private let origin = ContinuousClock.now

    /// Opens `interface`, makes the TUN interface and prepares the access concentrator;
    /// `config.macAddress` is replaced by the interface's own address. `shaping` gives the rate of
    /// an account's sessions (nil: unshaped). Throws `PPPoELinkError` when the interface cannot be
    /// opened or the TUN interface cannot be made.
    public init(
        interface: String, config: PPPoEAccessConcentratorConfig, options: Options,
        shaping: @escaping (String) -> Shaping?
    ) throws(PPPoELinkError) {
        link = try PcapLink(interface: interface)
        var config = config
        config.macAddress = link.macAddress
        concentrator = PPPoEAccessConcentrator(config: config)
        self.shaping = shaping
        tun = try TunDevice(name: options.tunName)
        try tun.configure(address: options.address, prefixLength: options.prefixLength, mtu: options.mtu)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw PPPoELinkError(.interface, "cannot create the BRAS runner's wake-up pipe: \(errnoText(-errno))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        tun.close()
        link.close()
        if wakeRead >= 0 { _ = Glibc.close(wakeRead) }
        if wakeWrite >= 0 { _ = Glibc.close(wakeWrite) }
    }

    /// The handle that stops the runner from another thread.
    public var closer: Closer { Closer(descriptor: wakeWrite) }

    /// Time since the runner was made: the access concentrator's clock.
    private func now() -> Duration { origin.duration(to: .now) }

    /// Serves sessions until `closer` is used, then sends each open session a PADT and returns.
    /// Throws `PPPoELinkError` when the interface or the TUN device fails.
    public func run(_ events: (Event) -> Void) throws(PPPoELinkError) {
        var packet = [UInt8](repeating: 0, count: 65_536)
        while !stopping {
            var fds = [
                pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: tun.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds())
            if ready < 0 && errno != EINTR {
                throw PPPoELinkError(.pcapIO, "poll on \(link.interface) failed: \(errnoText(-errno))")
            }
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while Glibc.read(wakeRead, &drain, drain.count) > 0 {}
                stopping = true
            }
            if fds[0].revents != 0 {
                try link.receive { frame in
                    perform(concentrator.receive(frame: frame, now: now()), events)
                }
            }
            if fds[2].revents != 0 {
                // A bounded batch, so frames from the wire are never starved by a busy sender.
                for _ in 0..<64 {
                    guard let count = try tun.read(into: &packet) else { break }
                    for ipv4 in limiter.offerDownstream(Array(packet[0..<count]), now: now()) {
                        perform(concentrator.sendIPv4(ipv4, now: now()), events)
                    }
                }
            }
            if let due = limiter.nextRelease, now() >= due {
                let released = limiter.release(now: now())
                for ipv4 in released.upstream { writeToTun(ipv4, events) }
                for ipv4 in released.downstream { perform(concentrator.sendIPv4(ipv4, now: now()), events) }
            }
            if let deadline = concentrator.nextDeadline, now() >= deadline {
                perform(concentrator.tick(now: now()), events)
            }
        }
        let open = concentrator.sessionKeys
        if !open.isEmpty { events(.log(elapsed: now(), "stopping: PADT to \(open.count) open session(s)")) }
        for key in open { perform(concentrator.terminate(key, now: now()), events) }
    }

    /// Until the access concentrator's deadline or the shaper's next release; -1 (forever) when
    /// neither has one.
    private func timeoutMilliseconds() -> Int32 {
        guard let deadline = [concentrator.nextDeadline, limiter.nextRelease].compactMap({ $0 }).min() else {
            return -1
        }
        let left = deadline - now()
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        // Rounded up, so the loop never wakes just before a deadline and spins.
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    private func writeToTun(_ packet: [UInt8], _ events: (Event) -> Void) {
        do {
            try tun.write(packet)
        } catch {
            events(.log(elapsed: now(), "\(error)"))
        }
    }

    /// Does what the access concentrator decided, in order.
    private func perform(_ actions: [PPPoEAccessConcentrator.Action], _ events: (Event) -> Void) {
        for action in actions {
            switch action {
            case .send(let frame):
                do {
                    try link.send(frame)
                } catch {
                    events(.log(elapsed: now(), "\(error)"))
                }
            case .deliverIPv4(_, let packet):
                for ipv4 in limiter.offerUpstream(packet, now: now()) { writeToTun(ipv4, events) }
            case .log(let line):
                events(.log(elapsed: now(), line))
            case .sessionUp(let key, let address, let username):
                addresses[key] = address
                if let shaping = shaping(username) {
                    let upAt = now()
                    limiter.open(
                        address: address, bitsPerSecond: shaping.bitsPerSecond, now: upAt,
                        cutFrom: shaping.cutAfter.map { upAt + $0 })
                }
                events(
                    .sessionUp(
                        sessionID: key.sessionID, mac: key.mac, address: address, username: username,
                        elapsed: now()))
            case .sessionDown(let key, let reason):
                if let address = addresses.removeValue(forKey: key) { limiter.close(address: address) }
                events(.sessionDown(sessionID: key.sessionID, mac: key.mac, reason: reason, elapsed: now()))
            }
        }
    }
}
