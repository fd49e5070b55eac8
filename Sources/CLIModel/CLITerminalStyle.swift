/// How a dialect's terminal behaves: login prompts, command prompts, pager, interjected
/// prompts and the words of a failed login. The session engine reads output with it; the
/// drivers choose it per dialect.
public struct CLITerminalStyle: Sendable, Hashable {
    /// Text that ends a user-name prompt (`User name:`, `Username:`, `login:`).
    public var usernamePrompts: [String]
    /// Text that ends a password prompt (`User password:`, `Password:`).
    public var passwordPrompts: [String]
    /// Text after which the device has refused the login.
    public var loginFailures: [String]
    /// Pager prompts; answered with a space.
    public var pagerPrompts: [String]
    /// Huawei asks `{ <cr>|ontid<U><0,127> }:` when a command could take more arguments:
    /// a trailing `{ … }:` is answered with a bare Enter.
    public var answersInterjections: Bool
    /// The characters that may end a command prompt (`>`, `#`).
    public var promptTerminators: Set<Character>

    public init(
        usernamePrompts: [String], passwordPrompts: [String], loginFailures: [String], pagerPrompts: [String],
        answersInterjections: Bool, promptTerminators: Set<Character> = [">", "#"]
    ) {
        self.usernamePrompts = usernamePrompts
        self.passwordPrompts = passwordPrompts
        self.loginFailures = loginFailures
        self.pagerPrompts = pagerPrompts
        self.answersInterjections = answersInterjections
        self.promptTerminators = promptTerminators
    }

    /// Huawei MA5600T/MA5800: `User name:`/`User password:`, `---- More ( Press 'Q' to break ) ----`,
    /// interjected `{ <cr>|… }:`.
    public static let huawei = CLITerminalStyle(
        usernamePrompts: ["User name:", "Username:", "login:"],
        passwordPrompts: ["User password:", "Password:"],
        loginFailures: ["Username or password invalid", "Username or password error", "Login failed", "Bad password"],
        pagerPrompts: ["---- More ( Press 'Q' to break ) ----"],
        answersInterjections: true)

    /// ZTE C300/C600: `Username:`/`Password:`, `--More--` (drivers also send `terminal length 0`).
    public static let zte = CLITerminalStyle(
        usernamePrompts: ["Username:", "login:"],
        passwordPrompts: ["Password:"],
        loginFailures: ["%Error 20200", "Bad password", "Login failed", "Authentication failed"],
        pagerPrompts: ["--More--"],
        answersInterjections: false)

    /// Whether `line` (the last, unterminated line of output) is a command prompt: a host name
    /// of letters, digits and `-_.`, an optional mode in parentheses, then `>` or `#`, then at
    /// most one space.
    public func isCommandPrompt(_ line: Substring) -> Bool {
        var s = line
        if s.last == " " { s = s.dropLast() }
        guard let last = s.last, promptTerminators.contains(last) else { return false }
        s = s.dropLast()
        if s.last == ")" {
            guard let open = s.lastIndex(of: "(") else { return false }
            let mode = s[s.index(after: open)..<s.index(before: s.endIndex)]
            guard !mode.isEmpty, mode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_/:.".contains($0)) })
            else { return false }
            s = s[..<open]
        }
        return !s.isEmpty && s.count <= 64
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
