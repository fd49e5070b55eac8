import CLIModel

/// The conversation with an OLT's command line, without I/O: fed what the device printed, it
/// tells the transport what to send and when login or a command is done. Logs in by answering
/// the user-name and password prompts of a ``CLITerminalStyle``, then runs one command at a time:
/// answers pager prompts and `{ … }:` interjections, strips the terminal's control sequences and
/// the echoed command, and returns the output once a command prompt shows again.
///
/// Output can arrive in any fragments: only complete lines are cleaned and kept; the unfinished
/// last line is looked at again after every read, so a prompt split over two reads is found.
public struct CLISessionEngine: Sendable {
    /// What the transport does next.
    public enum Action: Sendable, Hashable {
        /// Nothing yet: wait for more output.
        case none
        /// Write these bytes (Telnet escapes 0xFF itself).
        case send([UInt8])
        /// Login finished: the device shows this command prompt.
        case loggedIn(prompt: String)
        /// The running command finished.
        case completed(CLIOutput)
        /// Login or the command failed; the session is unusable.
        case failed(CLIError)
    }

    enum State: Sendable {
        case loggingIn(usernameSent: Bool, passwordSent: Bool)
        case idle(prompt: String)
        case running(command: String)
        case failed
    }

    public let target: String
    public let style: CLITerminalStyle
    let username: String
    let password: String
    let endOfLine: [UInt8]
    var state: State = .loggingIn(usernameSent: false, passwordSent: false)
    /// Complete lines since login began or the command was sent, cleaned.
    var lines: [UInt8] = []
    /// The last, unterminated line, raw, except where a pager prompt or interjection was cut.
    var tail: [UInt8] = []
    /// During login: the cleaned text since the user name was sent, where a refusal shows.
    var sinceCredentials: [UInt8] = []
    /// How much of `sinceCredentials` was searched for a login failure already.
    var refusalSearched = 0

    /// `endOfLine` ends every line sent: `"\r\n"` on Telnet (RFC 854), `"\r"` on an SSH pty.
    public init(
        target: String, style: CLITerminalStyle, username: String, password: String, endOfLine: String
    ) {
        self.target = target
        self.style = style
        self.username = username
        self.password = password
        self.endOfLine = Array(endOfLine.utf8)
    }

    /// Whether login finished and no command is running.
    public var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// The prompt shown after login or the last command, nil before login.
    public var prompt: String? {
        if case .idle(let prompt) = state { return prompt }
        return nil
    }

    /// Feeds what the device printed (Telnet already decoded: no IAC commands).
    public mutating func received(_ bytes: some Sequence<UInt8>) -> Action {
        switch state {
        case .failed:
            return .none
        case .idle:
            // Unsolicited output between commands (an alarm, a broadcast): dropped when the
            // next command starts; kept until then for a caller reading `partialOutput`.
            tail.append(contentsOf: bytes)
            // A session idle for days under an alarm storm must not grow without bound.
            if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
            return .none
        case .loggingIn, .running:
            append(bytes)
        }
        switch state {
        case .loggingIn(let usernameSent, let passwordSent):
            return loginStep(usernameSent: usernameSent, passwordSent: passwordSent)
        case .running(let command):
            return commandStep(command: command)
        case .idle, .failed:
            return .none
        }
    }

    /// Starts `line`: returns the bytes to send. The line must be sendable
    /// (``CLISession/isSendable(_:maximumLength:)``) and the engine idle.
    public mutating func run(_ line: String) -> Action {
        guard case .idle = state else {
            preconditionFailure("CLISessionEngine.run(_:) while not idle: commands run one at a time")
        }
        guard CLIShellSession.isSendable(line) else {
            return .failed(
                CLIError(
                    .invalidLine, target: target,
                    message:
                        "refused to send a line with a control character or over 512 characters; nothing was sent"))
        }
        lines.removeAll(keepingCapacity: true)
        tail.removeAll(keepingCapacity: true)
        state = .running(command: line)
        return .send(Array(line.utf8) + endOfLine)
    }

    /// What the device printed since the command (or login) began, cleaned: for an error's
    /// device text.
    public var partialOutput: String {
        let text = TerminalText.string(lines + TerminalText.clean(tail[...]))
        guard case .running(let command) = state else { return text }
        return Self.removingEcho(of: command, from: text)
    }

    /// The time allowed ran out: the error to report; the engine is then unusable.
    public mutating func timedOut(after limit: Duration) -> CLIError {
        let text = partialOutput
        let error: CLIError
        switch state {
        case .loggingIn:
            error = CLIError(
                .timeout, target: target,
                message:
                    "no command prompt within \(limit) of connecting: the OLT is slow or hung, or its login or "
                    + "command prompt was not recognised (see the device text)",
                deviceText: text.isEmpty ? nil : text)
        case .running(let command):
            error = CLIError(
                .timeout, target: target,
                message:
                    "no prompt within \(limit) after `\(command)`; the session was closed. Raise the command "
                    + "timeout if the OLT is merely slow",
                deviceText: text.isEmpty ? nil : text)
        case .idle, .failed:
            error = CLIError(.timeout, target: target, message: "timed out after \(limit)")
        }
        state = .failed
        return error
    }

    /// The connection closed: the error to report (a refused login when the device said so).
    public mutating func connectionClosed() -> CLIError {
        let text = partialOutput
        let error: CLIError
        switch state {
        case .loggingIn:
            if let refusal = loginRefusal(includingTail: true) {
                error = refusal
            } else {
                error = CLIError(
                    .disconnected, target: target,
                    message:
                        "the OLT closed the connection before login finished; it may allow no more sessions, "
                        + "or refuse this client's address",
                    deviceText: text.isEmpty ? nil : text)
            }
        case .running(let command):
            error = CLIError(
                .disconnected, target: target,
                message: "the OLT closed the connection while `\(command)` was running; its output is incomplete",
                deviceText: text.isEmpty ? nil : text)
        case .idle, .failed:
            error = CLIError(.disconnected, target: target, message: "the connection is closed")
        }
        state = .failed
        return error
    }

    // MARK: Reading

    /// Moves complete lines from the tail into `lines`, cleaned.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        tail.append(contentsOf: bytes)
        guard let lastNewline = tail.lastIndex(of: TerminalText.newline) else { return }
        let complete = TerminalText.clean(tail[...lastNewline])
        lines.append(contentsOf: complete)
        if case .loggingIn(let usernameSent, _) = state, usernameSent {
            sinceCredentials.append(contentsOf: complete)
        }
        tail.removeSubrange(...lastNewline)
    }

    mutating func loginStep(usernameSent: Bool, passwordSent: Bool) -> Action {
        // Complete lines only: a refusal read half-way would lose the rest of its sentence. Each
        // line is searched once (no failure text spans lines): searching all of them again on
        // every read made a long banner cost quadratic time (found by `ftth-fuzz telnet`).
        if let refusal = loginRefusal(includingTail: false, from: refusalSearched) {
            state = .failed
            return .failed(refusal)
        }
        refusalSearched = sinceCredentials.count
        let line = TerminalText.clean(tail[...])
        if TerminalText.trailingMatch(line, style.usernamePrompts) != nil {
            guard !usernameSent else { return refused(line) }
            state = .loggingIn(usernameSent: true, passwordSent: false)
            consumeTail()
            return .send(Array(username.utf8) + endOfLine)
        }
        if TerminalText.trailingMatch(line, style.passwordPrompts) != nil {
            guard !passwordSent else { return refused(line) }
            state = .loggingIn(usernameSent: true, passwordSent: true)
            consumeTail()
            return .send(Array(password.utf8) + endOfLine)
        }
        if style.isCommandPrompt(TerminalText.string(line)[...]) {
            let prompt = TerminalText.string(line).trimmingTrailingSpaces
            state = .idle(prompt: prompt)
            lines.removeAll()
            tail.removeAll()
            sinceCredentials.removeAll()
            refusalSearched = 0
            return .loggedIn(prompt: prompt)
        }
        return .none
    }

    /// The device asked for credentials a second time without saying why: a refusal all the same.
    mutating func refused(_ line: [UInt8]) -> Action {
        state = .failed
        let said = TerminalText.string(sinceCredentials + line).trimmingWhitespace
        return .failed(
            CLIError(
                .authenticationFailed, target: target,
                message:
                    "the OLT asked for the user name or password again after user '\(username)' logged in: "
                    + "check the user name and password configured for this OLT",
                deviceText: said.isEmpty ? nil : said))
    }

    /// The refusal the device printed since the credentials were sent, searching from `start`.
    func loginRefusal(includingTail: Bool, from start: Int = 0) -> CLIError? {
        guard case .loggingIn(true, _) = state else { return nil }
        let text = includingTail ? sinceCredentials + TerminalText.clean(tail[...]) : sinceCredentials
        let unsearched = Array(text[min(start, text.count)...])
        guard let failure = style.loginFailures.first(where: { TerminalText.contains(unsearched, $0) }) else {
            return nil
        }
        let said =
            TerminalText.string(text).split(separator: "\n").first(where: { $0.contains(failure) })
            .map { String($0).trimmingWhitespace } ?? failure
        return CLIError(
            .authenticationFailed, target: target,
            message:
                "the OLT refused the login of user '\(username)': check the user name and password "
                + "configured for this OLT",
            deviceText: said)
    }

    /// The tail was answered (a login prompt): it must not be answered again.
    mutating func consumeTail() {
        let cleaned = TerminalText.clean(tail[...])
        lines.append(contentsOf: cleaned)
        if case .loggingIn(true, _) = state {
            sinceCredentials.removeAll()
            refusalSearched = 0
        }
        tail.removeAll()
    }

    mutating func commandStep(command: String) -> Action {
        let line = TerminalText.clean(tail[...])
        if let pager = TerminalText.trailingMatch(line, style.pagerPrompts) {
            // Keep what preceded the pager prompt on its line; the erase the OLT sends after the
            // key press joins it and is removed with its blanks when the line completes.
            tail = Array(line[..<pager.lowerBound])
            return .send([TerminalText.space])
        }
        if style.answersInterjections, let interjection = TerminalText.trailingInterjection(line) {
            tail = Array(line[..<interjection.lowerBound])
            return .send(endOfLine)
        }
        let text = TerminalText.string(line)
        guard style.isCommandPrompt(text[...]) else { return .none }
        let prompt = text.trimmingTrailingSpaces
        let output = Self.removingEcho(of: command, from: TerminalText.string(lines))
        state = .idle(prompt: prompt)
        lines.removeAll(keepingCapacity: true)
        tail.removeAll(keepingCapacity: true)
        return .completed(CLIOutput(text: output, prompt: prompt))
    }

    /// Drops the echoed command (the first non-empty line, when it is the command) and the
    /// newline that ends the output.
    static func removingEcho(of command: String, from text: String) -> String {
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = rows.firstIndex(where: { !$0.allSatisfy { $0 == " " } }),
            rows[first].trimmingTrailingSpaces == command
        {
            rows.removeSubrange(...first)
        }
        if rows.last?.isEmpty == true { rows.removeLast() }
        return rows.joined(separator: "\n")
    }
}

extension StringProtocol {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
