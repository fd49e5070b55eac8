import FTTHCore

/// What a simulated OLT's command line answers to one line: the text to print, the prompt to
/// show next, and whether the session ends.
public struct SimCLIReply: Sendable, Hashable {
    /// What the command printed, lines ending in `\n` (the server turns them into CR LF); empty
    /// when it printed nothing.
    public var output: String
    /// The prompt to show next (`MA5600T(config)#`), or an interjected `{ <cr>||<K> }:` whose
    /// answer is the next line given to the shell.
    public var prompt: String
    /// The session ends after the output (`quit` at the top level, `logout`, ZTE `exit`).
    public var closesSession: Bool

    public init(output: String, prompt: String, closesSession: Bool = false) {
        self.output = output
        self.prompt = prompt
        self.closesSession = closesSession
    }
}

/// The command interpreter of one logged-in CLI session on a simulated OLT: holds the session's
/// mode and terminal settings, and reads and changes the OLT it belongs to. Not shared between
/// sessions.
public protocol SimCLIShell: AnyObject {
    /// The prompt to show now.
    var prompt: String { get }
    /// Lines per page before the pager prompts; 0: no paging.
    var pageLines: Int { get }
    /// How the pager asks for a key and erases its prompt afterwards.
    var pager: SimCLIPager { get }
    /// Runs one command line (without its line end).
    func execute(_ line: String) -> SimCLIReply
}

/// The words a dialect's CLI uses around the commands: login prompts and refusals, the
/// greeting, the session-limit refusal.
public struct SimCLILoginText: Sendable, Hashable {
    /// `>>User name:` (Huawei) or `Username:` (ZTE), after a line end.
    public var usernamePrompt: String
    /// `>>User password:` or `Password:`.
    public var passwordPrompt: String
    /// A refused login: `Username or password invalid.` or `%Error 20200: Bad password or user name`.
    public var refusal: String
    /// A session beyond the cap: `Reenter times have reached the upper limit.` or `%Error: Too many users`.
    public var tooManySessions: String

    /// The texts of a dialect.
    public static func of(_ dialect: VendorDialect) -> SimCLILoginText {
        dialect.isHuawei
            ? SimCLILoginText(
                usernamePrompt: "\n>>User name:", passwordPrompt: "\n>>User password:",
                refusal: "\n  Username or password invalid.\n",
                tooManySessions: "\n  Reenter times have reached the upper limit.\n")
            : SimCLILoginText(
                usernamePrompt: "\nUsername:", passwordPrompt: "\nPassword:",
                refusal: "\n%Error 20200: Bad password or user name\n", tooManySessions: "\n%Error: Too many users\n")
    }
}

extension SimulatedOLT {
    /// A new shell for one session on this OLT, in its dialect, with the host name and page
    /// length of its `[olt.cli]` configuration (or the defaults).
    public func makeShell() -> any SimCLIShell {
        let cli = config.cli ?? SimCLIConfiguration()
        let host = cli.hostName ?? SimCLIConfiguration.defaultHostName(config.dialect)
        if config.dialect.isHuawei {
            return HuaweiCLIShell(olt: self, hostName: host, pageLines: cli.pageLines)
        }
        return ZTECLIShell(olt: self, hostName: host)
    }
}
