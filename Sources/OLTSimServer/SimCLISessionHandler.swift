import NIOCore
import OLTSim

/// Starts a CLI session once the transport is ready: the Telnet connection is up, or the SSH
/// client asked for a shell.
struct SimCLISessionStart {}

/// The client will send nothing more (SSH EOF): close once the input already typed has run.
struct SimCLIInputEnded {}

/// One CLI session on a simulated OLT, over Telnet (bytes already free of Telnet commands) or an
/// SSH shell channel: login (Telnet only), echo and line editing, the shell, the pager, the
/// per-command latency and the injected faults. Lives on its channel's event loop.
final class SimCLISessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase {
        case waiting
        case username
        case password(user: String)
        case shell
        case busy
        case paging(pages: [String], next: Int, reply: SimCLIReply)
        case hung
        case closed
    }

    let endpoint: SimCLIEndpoint
    let needsLogin: Bool
    let login: SimCLILoginText
    let shell: any SimCLIShell
    var phase = Phase.waiting
    var line: [UInt8] = []
    var pending: [UInt8] = []
    var lastWasCR = false
    var failedLogins = 0
    var counted = false
    /// Bytes of output still allowed before a drop fault closes the connection.
    var dropBudget: Int?
    /// The client sent EOF.
    var inputEnded = false

    init(endpoint: SimCLIEndpoint, needsLogin: Bool) {
        self.endpoint = endpoint
        self.needsLogin = needsLogin
        login = SimCLILoginText.of(endpoint.olt.config.dialect)
        shell = endpoint.olt.makeShell()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is SimCLIInputEnded {
            inputEnded = true
            drain(context)
            return
        }
        guard event is SimCLISessionStart, case .waiting = phase else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard endpoint.openSession() else {
            write(context, login.tooManySessions)
            close(context)
            return
        }
        counted = true
        if needsLogin {
            phase = .username
            write(context, login.usernamePrompt)
        } else {
            phase = .shell
            write(context, "\n" + shell.prompt)
        }
        drain(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            endpoint.closeSession()
        }
        phase = .closed
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        drain(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context)
    }

    /// Consumes typed bytes while the session can take them; keeps them while a command runs.
    func drain(_ context: ChannelHandlerContext) {
        defer {
            if inputEnded && pending.isEmpty {
                switch phase {
                case .busy, .waiting: break
                default: close(context)
                }
            }
        }
        while !pending.isEmpty {
            switch phase {
            case .waiting, .busy: return
            case .hung, .closed:
                pending.removeAll()
                return
            case .paging(let pages, let next, let reply):
                let key = pending.removeFirst()
                if key == 10 && lastWasCR || key == 0 {
                    lastWasCR = false
                    continue
                }
                lastWasCR = key == 13
                write(context, shell.pager.erase)
                if key == UInt8(ascii: "q") || key == UInt8(ascii: "Q") || next >= pages.count {
                    finish(context, reply)
                } else {
                    showPage(context, pages: pages, index: next, reply: reply)
                }
            case .username, .password, .shell:
                let b = pending.removeFirst()
                let secret: Bool
                if case .password = phase { secret = true } else { secret = false }
                if b == 13 || b == 10 {
                    if b == 10 && lastWasCR {
                        lastWasCR = false
                        continue
                    }
                    lastWasCR = b == 13
                    let text = String(decoding: line, as: UTF8.self)
                    line.removeAll()
                    write(context, "\n")
                    complete(context, text)
                    continue
                }
                let afterCR = lastWasCR
                lastWasCR = false
                if b == 0 && afterCR { continue }
                if b == 8 || b == 127 {
                    if !line.isEmpty {
                        line.removeLast()
                        if !secret { write(context, "\u{8} \u{8}") }
                    }
                } else if b >= 32 && b < 127 {
                    line.append(b)
                    if !secret { write(context, String(UnicodeScalar(b))) }
                }
            }
        }
    }

    func complete(_ context: ChannelHandlerContext, _ text: String) {
        switch phase {
        case .username:
            phase = .password(user: text)
            write(context, login.passwordPrompt)
        case .password(let user):
            let cli = endpoint.configuration
            if user == cli.username && text == cli.password.value {
                phase = .shell
                write(context, "\n" + shell.prompt)
            } else {
                failedLogins += 1
                write(context, login.refusal)
                if failedLogins >= 3 {
                    close(context)
                } else {
                    phase = .username
                    write(context, login.usernamePrompt)
                }
            }
        case .shell:
            if !text.allSatisfy({ $0 == " " }) { endpoint.countCommand(text) }
            switch endpoint.fault(for: text) {
            case .hang:
                phase = .hung
                return
            case .drop(let bytes):
                if bytes <= 0 {
                    close(context)
                    return
                }
                dropBudget = bytes
            case nil:
                break
            }
            let latency = endpoint.latencyMilliseconds
            guard latency > 0 else {
                run(context, text)
                return
            }
            phase = .busy
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(latency))) {
                guard case .busy = self.phase else { return }
                self.run(context, text)
                self.drain(context)
            }
        default:
            break
        }
    }

    func run(_ context: ChannelHandlerContext, _ text: String) {
        let reply = shell.execute(text)
        let pages = SimCLIPager.pages(of: reply.output, lines: shell.pageLines)
        showPage(context, pages: pages, index: 0, reply: reply)
    }

    func showPage(_ context: ChannelHandlerContext, pages: [String], index: Int, reply: SimCLIReply) {
        write(context, pages[index])
        guard case .closed = phase else {
            if index + 1 < pages.count {
                write(context, shell.pager.prompt)
                phase = .paging(pages: pages, next: index + 1, reply: reply)
            } else {
                finish(context, reply)
            }
            return
        }
    }

    func finish(_ context: ChannelHandlerContext, _ reply: SimCLIReply) {
        if reply.closesSession {
            close(context)
            return
        }
        phase = .shell
        write(context, reply.prompt)
        dropBudget = nil
    }

    /// Writes text with `\n` as CR LF, cut short (and the connection closed) by a drop fault.
    func write(_ context: ChannelHandlerContext, _ text: String) {
        guard !text.isEmpty else { return }
        if case .closed = phase { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for b in text.utf8 {
            if b == 10 { bytes.append(13) }
            bytes.append(b)
        }
        var dropping = false
        if let budget = dropBudget {
            if bytes.count >= budget {
                bytes = Array(bytes.prefix(budget))
                dropping = true
            } else {
                dropBudget = budget - bytes.count
            }
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        if dropping { close(context) }
    }

    func close(_ context: ChannelHandlerContext) {
        if case .closed = phase { return }
        phase = .closed
        pending.removeAll()
        context.close(promise: nil)
    }
}
