import Foundation
import PPPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Carries out one PPPoE session of PPPCore's `PPPoEClient` on a real interface: frames through
/// libpcap, the session's IPv4 through a TUN device made when the session comes up.
///
/// One thread runs `run`, which polls the capture, the TUN device and a wake-up pipe with the
/// client's `nextDeadline` as its timeout, feeds the client what arrives and does what the
/// client decides (send a frame, write a packet, log, bring the TUN up). It holds no protocol
/// logic. Another thread ends the session with `closer` (a signal handler, a finished command);
/// the client then sends LCP Terminate-Request and PADT before `run` returns.
public final class PPPoESessionRunner {
    /// What the runner is told to do besides dialling.
    public struct Options: Sendable {
        /// The TUN interface's name; `%d` lets the kernel number it.
        public var tunName = "ftth%d"
        /// Routes (CIDR or `default`) added through the TUN interface once it is up.
        public var routes: [String] = []
        /// How long the session stays up before the runner hangs up; nil keeps it up until
        /// `closer` is used or the session fails, zero hangs up as soon as it is up.
        public var hold: Duration? = nil

        public init(tunName: String = "ftth%d", routes: [String] = [], hold: Duration? = nil) {
            self.tunName = tunName
            self.routes = routes
            self.hold = hold
        }
    }

    /// What happened, for the caller to print or record. Called on `run`'s thread.
    public enum Event: Sendable {
        /// A log line of the client or the runner, with the time since the dial started.
        case log(elapsed: Duration, String)
        /// The session is up and its TUN interface configured.
        case up(PPPoESessionInfo, tunName: String, elapsed: Duration)
        /// The session ended; `run` returns this outcome next.
        case finished(PPPoEOutcome, elapsed: Duration)
    }

    /// Ends the session from any thread: the runner closes it cleanly (LCP Terminate, PADT).
    public struct Closer: Sendable {
        let descriptor: Int32
        /// Asks the runner to hang up; safe from any thread and from a signal handler's queue.
        public func close() {
            var byte: UInt8 = 1
            _ = Glibc.write(descriptor, &byte, 1)
        }
    }

    /// The interface's capture, opened in `init`.
    public let link: PcapLink
    private var client: PPPoEClient
    private let options: Options
    private var tun: TunDevice?
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var closing = false
    private var outcome: PPPoEOutcome?
    private var holdDeadline: Duration?
    private var pendingError: PPPoELinkError?
    private let origin = ContinuousClock.now

    /// Opens `interface` and prepares the client; `config.macAddress` is replaced by the
    /// interface's own address. Throws `PPPoELinkError` when the interface cannot be opened.
    public init(interface: String, config: PPPoEClientConfig, options: Options = Options())
        throws(PPPoELinkError)
    {
        link = try PcapLink(interface: interface)
        var config = config
        config.macAddress = link.macAddress
        client = PPPoEClient(config: config)
        self.options = options
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw PPPoELinkError(.interface, "cannot create the runner's wake-up pipe: \(errnoText(-errno))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        tun?.close()
        link.close()
        if wakeRead >= 0 { _ = Glibc.close(wakeRead) }
        if wakeWrite >= 0 { _ = Glibc.close(wakeWrite) }
    }

    /// The handle that ends the session from another thread.
    public var closer: Closer { Closer(descriptor: wakeWrite) }

    /// The client's state, for a caller that wants its session details after `run`.
    public var session: PPPoESessionInfo? { client.session }

    /// The phases' timings so far, also of a dial that failed.
    public var timings: PPPoETimings { client.timings }

    /// Time since the runner was made: the client's clock.
    private func now() -> Duration { origin.duration(to: .now) }

    /// Dials and runs the session until it ends; returns how it ended. Throws `PPPoELinkError`
    /// when the interface or the TUN device fails (after closing the session when it can).
    public func run(_ events: (Event) -> Void) throws(PPPoELinkError) -> PPPoEOutcome {
        perform(client.start(now: now()), events)
        var packet = [UInt8](repeating: 0, count: TunDevice.largestRead)
        var woke = now()
        while outcome == nil {
            if let error = pendingError, !closing {
                events(.log(elapsed: now(), "closing the session: \(error)"))
                beginClose(events)
            }
            // Every frame the last wake-up produced leaves in one system call, and its packets for
            // the kernel in as few as the TCP segments among them allow.
            flush(events)
            var fds = [pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0)]
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            if let tun { fds.append(pollfd(fd: tun.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
            // Once up, the last wake-up's clock reading serves the timeout too (the loop then
            // wakes at most its own run time late for a timer of seconds).
            let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds(now: client.phase == .up ? woke : now()))
            if ready < 0 && errno != EINTR {
                throw PPPoELinkError(.pcapIO, "poll on \(link.interface) failed: \(errnoText(-errno))")
            }
            // Once the session is up, one clock reading per wake-up serves its whole batch: in a
            // virtual machine without a vDSO every reading is a system call, as costly as moving a
            // packet. Before that every frame gets its own, or two phases ending in one batch
            // (LCP open, then the Authenticate-Ack) would time the second as 0 ms.
            woke = now()
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while Glibc.read(wakeRead, &drain, drain.count) > 0 {}
                if !closing {
                    events(.log(elapsed: woke, "hanging up: LCP Terminate-Request, then PADT"))
                    beginClose(events)
                }
            }
            if fds[0].revents != 0 {
                try link.receive(limit: 1024) { frame in
                    perform(client.receive(frame: frame, now: client.phase == .up ? woke : now()), events)
                }
            }
            if fds.count > 2, fds[2].revents != 0, let tun {
                // A bounded batch, so frames from the wire are never starved by a busy sender.
                // With the device's offloads one read may carry a 64 KiB TCP segment: its pieces
                // leave in the same `flush` as the rest of the batch.
                for _ in 0..<64 {
                    let read = try tun.readPackets(into: &packet) { ipv4 in
                        perform(client.sendIPv4(ipv4, now: woke), events)
                    }
                    guard read else { break }
                }
            }
            if let deadline = client.nextDeadline, woke >= deadline {
                perform(client.tick(now: woke), events)
            }
            if let holdDeadline, !closing, woke >= holdDeadline {
                events(.log(elapsed: woke, "held the session for \(options.hold ?? .zero); hanging up"))
                beginClose(events)
            }
        }
        flush(events)
        tun?.close()
        tun = nil
        if let pendingError { throw pendingError }
        return outcome ?? .closed
    }

    private func beginClose(_ events: (Event) -> Void) {
        closing = true
        perform(client.close(now: now()), events)
    }

    /// Sends the frames and writes the packets `perform` queued; a refused frame or packet is
    /// logged, as a refused send or write always was.
    private func flush(_ events: (Event) -> Void) {
        do {
            try link.flush()
        } catch {
            events(.log(elapsed: now(), "\(error)"))
        }
        do {
            try tun?.flush()
        } catch {
            events(.log(elapsed: now(), "\(error)"))
        }
    }

    /// Until the earliest of the client's deadline and the hold's end, from `now`; -1 (forever)
    /// when none.
    private func timeoutMilliseconds(now: Duration) -> Int32 {
        let deadlines = [client.nextDeadline, closing ? nil : holdDeadline].compactMap { $0 }
        guard let earliest = deadlines.min() else { return -1 }
        let left = earliest - now
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        // Rounded up, so the loop never wakes just before a deadline and spins.
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// Does what the client decided, in order.
    private func perform(_ actions: [PPPoEAction], _ events: (Event) -> Void) {
        for action in actions {
            switch action {
            case .send(let frame):
                // Sent by the loop's next `flush`, with the rest of this wake-up's frames.
                link.enqueue(frame)
            case .deliverIPv4(let packet):
                // Written by the loop's next `flush`, merged with the batch's other TCP segments.
                tun?.enqueue(packet)
            case .log(let line):
                events(.log(elapsed: now(), line))
            case .up(let info):
                bringUp(info, events)
            case .finished(let result):
                outcome = result
                events(.finished(result, elapsed: now()))
            }
        }
    }

    /// Makes and configures the TUN interface for the session that just came up.
    private func bringUp(_ info: PPPoESessionInfo, _ events: (Event) -> Void) {
        do {
            let device = try TunDevice(name: options.tunName, offload: true)
            tun = device
            try device.configure(local: info.localIP, peer: info.peerIP, mtu: info.mru)
            for route in options.routes { try device.addRoute(route) }
            events(
                .log(
                    elapsed: now(),
                    "TUN \(device.name) up: \(TunDevice.dotted(info.localIP)) peer \(TunDevice.dotted(info.peerIP)) "
                        + "MTU \(info.mru)"))
            events(.up(info, tunName: device.name, elapsed: now()))
            if let hold = options.hold { holdDeadline = now() + hold }
        } catch {
            pendingError = error
        }
    }
}
