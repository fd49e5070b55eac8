import CTun
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
    /// CLOCK_MONOTONIC when the runner was made, in nanoseconds: the origin of the client's clock.
    private let origin = ftth_monotonic_ns()
    /// A timerfd armed at the next deadline, so that no wake-up reads the clock for poll's timeout.
    private var timer: Int32 = -1
    /// Whether `run`'s thread was put under SCHED_BATCH when the session came up (`bringUp`).
    private var batched = false

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
        // The process's heap keeps what the session's batches free (see `ftth_keep_heap`).
        ftth_keep_heap()
        timer = ftth_timer_open()
        guard timer >= 0 else {
            throw PPPoELinkError(.interface, "cannot create the runner's timer (timerfd): \(errnoText(timer))")
        }
    }

    deinit {
        tun?.close()
        link.close()
        if wakeRead >= 0 { _ = Glibc.close(wakeRead) }
        if wakeWrite >= 0 { _ = Glibc.close(wakeWrite) }
        if timer >= 0 { _ = Glibc.close(timer) }
    }

    /// The handle that ends the session from another thread.
    public var closer: Closer { Closer(descriptor: wakeWrite) }

    /// The client's state, for a caller that wants its session details after `run`.
    public var session: PPPoESessionInfo? { client.session }

    /// The phases' timings so far, also of a dial that failed.
    public var timings: PPPoETimings { client.timings }

    /// Time since the runner was made: the client's clock.
    private func now() -> Duration { .nanoseconds(ftth_monotonic_ns() - origin) }

    /// Dials and runs the session until it ends; returns how it ended. Throws `PPPoELinkError`
    /// when the interface or the TUN device fails (after closing the session when it can).
    public func run(_ events: (Event) -> Void) throws(PPPoELinkError) -> PPPoEOutcome {
        // The thread is the caller's: it gets its scheduling back however the session ends.
        defer {
            if batched { _ = ftth_sched_batch(0) }
            batched = false
        }
        perform(client.start(now: now()), events)
        var packet = [UInt8](repeating: 0, count: TunDevice.largestRead)
        var woke = now()
        var armed: Duration?
        while outcome == nil {
            if let error = pendingError, !closing {
                events(.log(elapsed: now(), "closing the session: \(error)"))
                beginClose(events)
            }
            // Every frame the last wake-up produced leaves in one system call, and its packets for
            // the kernel in as few as the TCP segments among them allow.
            flush(events)
            // The next deadline waits in the kernel: poll needs no timeout, so a wake-up need not
            // read the clock to compute one (re-armed only when the deadline moves).
            let deadline = [client.nextDeadline, closing ? nil : holdDeadline].compactMap { $0 }.min()
            if deadline != armed {
                armed = deadline
                let nanoseconds = deadline.map { origin + max(0, Self.nanoseconds($0)) } ?? -1
                let status = ftth_timer_arm(timer, nanoseconds)
                guard status == 0 else {
                    throw PPPoELinkError(.interface, "arming the runner's timer failed: \(errnoText(status))")
                }
            }
            var fds = [
                pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: timer, events: Int16(POLLIN), revents: 0),
            ]
            if let tun { fds.append(pollfd(fd: tun.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 && errno != EINTR {
                throw PPPoELinkError(.pcapIO, "poll on \(link.interface) failed: \(errnoText(-errno))")
            }
            // The clock is read only when something needs it: in a virtual machine without a
            // vDSO every reading is a system call, as costly as moving a packet. Until the session
            // is up every wake-up and every frame gets its own reading (or two phases ending in
            // one batch, LCP open then the Authenticate-Ack, would time the second as 0 ms); once
            // up, a deadline or a control frame reads it, IPv4 traffic does not (it needs no time).
            let timerFired = fds[2].revents != 0
            if timerFired { ftth_timer_clear(timer) }
            var fresh = false
            func clock() -> Duration {
                if !fresh {
                    woke = now()
                    fresh = true
                }
                return woke
            }
            if client.phase != .up || timerFired { _ = clock() }
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while Glibc.read(wakeRead, &drain, drain.count) > 0 {}
                if !closing {
                    events(.log(elapsed: clock(), "hanging up: LCP Terminate-Request, then PADT"))
                    beginClose(events)
                }
            }
            if fds[0].revents != 0 {
                try link.receive(limit: 1024) { frame in
                    let time: Duration
                    if client.phase != .up {
                        time = now()
                    } else {
                        time = Self.carriesIPv4(frame) ? woke : clock()
                    }
                    perform(client.receive(frame: frame, now: time), events)
                }
            }
            if fds.count > 3, fds[3].revents != 0, let tun {
                // A bounded batch, so frames from the wire are never starved by a busy sender.
                // With the device's offloads one read may carry a 64 KiB TCP segment: its pieces
                // leave in the same `flush` as the rest of the batch. (IPv4 needs no time.)
                for _ in 0..<64 {
                    let read = try tun.readPackets(into: &packet) { ipv4 in
                        perform(client.sendIPv4(ipv4, now: woke), events)
                    }
                    guard read else { break }
                }
            }
            // A deadline that passed fired the timer, which read the clock.
            if fresh, let deadline = client.nextDeadline, woke >= deadline {
                perform(client.tick(now: woke), events)
            }
            if fresh, let holdDeadline, !closing, woke >= holdDeadline {
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

    /// A duration in whole nanoseconds.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whether `frame` is a PPPoE session frame carrying IPv4 (untagged or behind one 802.1Q
    /// tag): traffic, which the client handles without the time. A peek for the clock's sake
    /// only; the client decodes and checks every frame itself.
    static func carriesIPv4(_ frame: [UInt8]) -> Bool {
        let type = frame.count > 16 && frame[12] == 0x81 && frame[13] == 0x00 ? 16 : 12
        guard frame.count >= type + 10 else { return false }
        // EtherType 0x8864, then version/type, code, session id, length, and PPP protocol 0x0021.
        return frame[type] == 0x88 && frame[type + 1] == 0x64 && frame[type + 8] == 0x00 && frame[type + 9] == 0x21
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
            // From here on the runner moves traffic: woken by a frame or a packet it no longer
            // preempts the task that is running (on one CPU, the sender in the middle of its
            // burst), so it finds a batch when it runs instead of one packet per wake-up.
            let status = ftth_sched_batch(1)
            batched = status == 0
            if !batched {
                events(
                    .log(elapsed: now(), "could not batch wake-ups (SCHED_BATCH): \(errnoText(status)); carrying on"))
            }
        } catch {
            pendingError = error
        }
    }
}
