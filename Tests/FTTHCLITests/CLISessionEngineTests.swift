import CLIModel
import Testing

@testable import FTTHCLI

/// The engine fed byte by byte and in odd fragments, on what Huawei and ZTE OLTs print.
struct CLISessionEngineTests {
    static let target = "telnet 192.0.2.1:23"

    static func engine(_ style: CLITerminalStyle = .huawei, endOfLine: String = "\r\n") -> CLISessionEngine {
        CLISessionEngine(target: target, style: style, username: "admin", password: "secret", endOfLine: endOfLine)
    }

    /// Feeds `text` in the given fragments and returns the actions that were not `.none`.
    static func feed(_ engine: inout CLISessionEngine, _ fragments: [String]) -> [CLISessionEngine.Action] {
        fragments.map { engine.received(Array($0.utf8)) }.filter { $0 != .none }
    }

    /// Feeds `text` one byte at a time.
    static func feedBytes(_ engine: inout CLISessionEngine, _ text: String) -> [CLISessionEngine.Action] {
        Array(text.utf8).map { engine.received([$0]) }.filter { $0 != .none }
    }

    static func loggedIn(_ style: CLITerminalStyle = .huawei, prompt: String = "MA5600T>") -> CLISessionEngine {
        var e = engine(style)
        _ = e.received(Array("\(prompt)".utf8))
        precondition(e.isIdle)
        return e
    }

    static func send(_ s: String) -> CLISessionEngine.Action { .send(Array(s.utf8)) }

    @Test func huaweiLoginAnswersPromptsAndFinishesOnThePrompt() {
        var e = Self.engine()
        let actions = Self.feedBytes(
            &e,
            "\r\n\r\nWarning: Telnet is not a secure protocol.\r\n\r\n>>User name:"
        )
        #expect(actions == [Self.send("admin\r\n")])
        #expect(Self.feed(&e, ["admin\r\n", "\r\n>>User pass", "word:"]) == [Self.send("secret\r\n")])
        let done = Self.feedBytes(
            &e, "\r\n\r\n  Huawei Integrated Access Software (MA5600T).\r\n  Copyright(C) Huawei.\r\n\r\nMA5600T>")
        #expect(done == [.loggedIn(prompt: "MA5600T>")])
        #expect(e.prompt == "MA5600T>")
    }

    @Test func promptsWithTrailingSpacesAreRecognised() {
        var e = Self.engine(.zte)
        #expect(Self.feed(&e, ["Username:  "]) == [Self.send("admin\r\n")])
        #expect(Self.feed(&e, ["\r\nPassword: "]) == [Self.send("secret\r\n")])
        #expect(Self.feed(&e, ["\r\nZXAN# "]) == [.loggedIn(prompt: "ZXAN#")])
    }

    @Test func refusedLoginKeepsTheDeviceText() {
        var e = Self.engine()
        _ = Self.feed(&e, ["User name:", "admin\r\n", "User password:"])
        let actions = Self.feedBytes(&e, "\r\n  Username or password invalid.\r\n\r\n  User name:")
        guard case .failed(let error) = actions.first else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.deviceText == "Username or password invalid.")
        #expect(error.message.contains("'admin'"))
        #expect(!error.description.contains("secret"))
        #expect(actions.count == 1)
        #expect(e.received(Array("User name:".utf8)) == .none)
    }

    @Test func askingForTheUserNameTwiceIsARefusal() {
        var e = Self.engine()
        _ = Self.feed(&e, ["User name:", "admin\r\n", "User password:"])
        let actions = Self.feed(&e, ["\r\n\r\nUser name:"])
        guard case .failed(let error) = actions.first else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(error.code == .authenticationFailed)
    }

    @Test func sshShellAskingForTheUserAgainIsAnswered() {
        var e = Self.engine(endOfLine: "\r")
        #expect(Self.feed(&e, ["\r\nUser name:"]) == [Self.send("admin\r")])
        #expect(Self.feed(&e, ["admin\r\nUser password:"]) == [Self.send("secret\r")])
        #expect(Self.feed(&e, ["\r\nMA5800-X7>"]) == [.loggedIn(prompt: "MA5800-X7>")])
    }

    @Test func sshShellWithoutLoginPromptsIsLoggedInAtOnce() {
        var e = Self.engine(endOfLine: "\r")
        #expect(Self.feed(&e, ["Info: welcome\r\n", "MA5800-X7#"]) == [.loggedIn(prompt: "MA5800-X7#")])
    }

    @Test(arguments: [
        "MA5600T>", "MA5600T#", "MA5600T(config)#", "MA5600T(config-if-gpon-0/1)#", "MA5800-X7#", "ZXAN#",
        "ZXAN(config-if)#", "ZXAN(gpon-onu-mng)#",
    ])
    func commandEndsOnThePrompt(prompt: String) {
        let style: CLITerminalStyle = prompt.hasPrefix("ZXAN") ? .zte : .huawei
        var e = Self.loggedIn(style)
        #expect(e.run("display version") == Self.send("display version\r\n"))
        let actions = Self.feedBytes(
            &e, "display version\r\nVERSION : MA5600V800R018C10\r\nPATCH   : SPC200\r\n\r\n\(prompt)")
        #expect(
            actions == [.completed(CLIOutput(text: "VERSION : MA5600V800R018C10\nPATCH   : SPC200\n", prompt: prompt))])
        #expect(e.isIdle)
    }

    @Test func echoIsRemovedOnlyWhenItIsTheCommand() {
        var e = Self.loggedIn()
        _ = e.run("display board 0")
        let actions = Self.feed(&e, ["\r\n", "display board 0\r\n  SlotID  BoardName\r\n", "MA5600T>"])
        #expect(actions == [.completed(CLIOutput(text: "  SlotID  BoardName", prompt: "MA5600T>"))])
        _ = e.run("display board 0")
        let noEcho = Self.feed(&e, ["  SlotID  BoardName\r\n", "MA5600T>"])
        #expect(noEcho == [.completed(CLIOutput(text: "  SlotID  BoardName", prompt: "MA5600T>"))])
    }

    @Test func promptSplitAcrossReads() {
        var e = Self.loggedIn()
        _ = e.run("config")
        #expect(Self.feed(&e, ["config\r\n", "MA5600T(con"]) == [])
        #expect(Self.feed(&e, ["fig)#"]) == [.completed(CLIOutput(text: "", prompt: "MA5600T(config)#"))])
    }

    /// What a Huawei OLT sends around a page break: the pager prompt, then, after the space,
    /// `ESC[37D`, 37 blanks, `ESC[37D`, and the next row on the same line.
    static let pager = "---- More ( Press 'Q' to break ) ----"
    static let erase = "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D"

    @Test func huaweiPagerIsAnsweredAndItsEraseRemovedWithTheBlanks() {
        var e = Self.loggedIn()
        _ = e.run("display ont optical-info 0 all")
        let first = Self.feed(&e, ["display ont optical-info 0 all\r\n", "  0   -20.10\r\n", Self.pager])
        #expect(first == [Self.send(" ")])
        let rest = Self.feed(&e, [Self.erase + "  1   -21.30\r\n", "MA5600T(config-if-gpon-0/1)#"])
        #expect(
            rest == [
                .completed(CLIOutput(text: "  0   -20.10\n  1   -21.30", prompt: "MA5600T(config-if-gpon-0/1)#"))
            ])
    }

    @Test func pagerSplitAcrossReadsIsAnsweredOnce() {
        var e = Self.loggedIn()
        _ = e.run("display long")
        var actions = Self.feedBytes(&e, "display long\r\nrow 1\r\n" + Self.pager)
        #expect(actions == [Self.send(" ")])
        // The erase arrives in pieces, the escape split from its parameters.
        actions = Self.feed(
            &e, ["\u{1B}", "[37D", "                 ", "                    \u{1B}[3", "7D", "row 2\r\n"])
        #expect(actions == [])
        actions = Self.feed(&e, [Self.pager + "  "])
        #expect(actions == [Self.send(" ")])
        actions = Self.feedBytes(&e, Self.erase + "row 3\r\nMA5600T>")
        #expect(actions == [.completed(CLIOutput(text: "row 1\nrow 2\nrow 3", prompt: "MA5600T>"))])
    }

    @Test func ztePagerIsAnswered() {
        var e = Self.loggedIn(.zte, prompt: "ZXAN#")
        _ = e.run("show gpon onu state gpon-olt_1/2/1")
        let actions = Self.feed(&e, ["show gpon onu state gpon-olt_1/2/1\r\ngpon-onu_1/2/1:1 enable\r\n --More--"])
        #expect(actions == [Self.send(" ")])
        // ZTE erases the prompt with backspaces, blanks, backspaces; the next row follows on that line.
        let erase =
            String(repeating: "\u{8}", count: 9) + String(repeating: " ", count: 9)
            + String(repeating: "\u{8}", count: 9)
        let rest = Self.feed(&e, [erase, "gpon-onu_1/2/1:2 enable\r\nZXAN#"])
        #expect(
            rest == [
                .completed(CLIOutput(text: "gpon-onu_1/2/1:1 enable\ngpon-onu_1/2/1:2 enable", prompt: "ZXAN#"))
            ])
    }

    @Test func huaweiInterjectionIsAnsweredWithEnterAndRemoved() {
        var e = Self.loggedIn(prompt: "MA5600T(config)#")
        _ = e.run("display ont info summary 0/1/0")
        let ask = Self.feedBytes(&e, "display ont info summary 0/1/0\r\n{ <cr>||<K> }:")
        #expect(ask == [Self.send("\r\n")])
        let rest = Self.feed(
            &e, ["\r\n\r\n  Command:\r\n          display ont info summary 0/1/0\r\n", "MA5600T(config)#"])
        #expect(
            rest == [
                .completed(
                    CLIOutput(
                        text: "\n\n  Command:\n          display ont info summary 0/1/0", prompt: "MA5600T(config)#"))
            ])
    }

    @Test func interjectionIsLeftAloneWhenTheStyleDoesNotAnswerIt() {
        var e = Self.loggedIn(.zte, prompt: "ZXAN#")
        _ = e.run("show x")
        #expect(Self.feed(&e, ["show x\r\n{ <cr>||<K> }:"]) == [])
    }

    @Test func carriageReturnNulAndAnsiSequencesAreStripped() {
        var e = Self.loggedIn()
        _ = e.run("display time")
        // CR NUL reaches the engine as CR from the Telnet parser; a NUL that slipped through goes too.
        let actions = Self.feed(
            &e, ["display time\r\r\n", "\u{1B}[1m2024-05-01\u{1B}[0m\r\u{0}\n", "MA5600T>"])
        #expect(actions == [.completed(CLIOutput(text: "2024-05-01", prompt: "MA5600T>"))])
    }

    @Test func utf8SplitAcrossReadsIsDecodedWhole() {
        var e = Self.loggedIn()
        _ = e.run("display ont info 0 1 0 1")
        let bytes = Array("Description : Müller\r\nMA5600T>".utf8)
        let split = bytes.firstIndex(of: 0xC3)! + 1
        #expect(e.received(bytes[..<split]) == .none)
        #expect(e.received(bytes[split...]) == .completed(CLIOutput(text: "Description : Müller", prompt: "MA5600T>")))
    }

    @Test func lineWithAControlCharacterIsRefusedAndNothingSent() {
        var e = Self.loggedIn()
        guard case .failed(let error) = e.run("display version\nreboot") else {
            Issue.record("a line with a newline was accepted")
            return
        }
        #expect(error.code == .invalidLine)
        #expect(e.isIdle)
    }

    @Test func timeoutKeepsThePartialOutput() {
        var e = Self.loggedIn()
        _ = e.run("display ont info 0 1 0 all")
        _ = Self.feed(&e, ["display ont info 0 1 0 all\r\n  F/S/P : 0/1/0\r\n  ONT-ID"])
        let error = e.timedOut(after: .seconds(30))
        #expect(error.code == .timeout)
        #expect(error.deviceText == "  F/S/P : 0/1/0\n  ONT-ID")
        #expect(error.message.contains("display ont info 0 1 0 all"))
        #expect(e.received(Array("MA5600T>".utf8)) == .none)
    }

    @Test func closedDuringCommandIsDisconnectedWithPartialOutput() {
        var e = Self.loggedIn()
        _ = e.run("display version")
        _ = Self.feed(&e, ["display version\r\nVERSION : MA5600"])
        let error = e.connectionClosed()
        #expect(error.code == .disconnected)
        #expect(error.deviceText == "VERSION : MA5600")
    }

    @Test func refusalSplitAcrossReadsIsReadWhole() {
        var e = Self.engine(.zte)
        _ = Self.feed(&e, ["Username:", "admin\r\nPassword:"])
        let actions = Self.feed(&e, ["\r\n%Error 20", "200: Bad password", " or user name\r\n"])
        #expect(
            actions == [
                .failed(
                    CLIError(
                        .authenticationFailed, target: Self.target,
                        message: "the OLT refused the login of user 'admin': check the user name and password "
                            + "configured for this OLT",
                        deviceText: "%Error 20200: Bad password or user name"))
            ])
    }

    /// `ftth-fuzz telnet` timed out on a 7 KB login: every read searched everything since the
    /// password again for a refusal. 6,000 banner lines one read each took minutes; now each line
    /// is searched once, and a refusal after them is still found.
    @Test(.timeLimit(.minutes(1)))
    func longBannerDuringLoginIsSearchedOncePerLine() {
        var e = Self.engine(.zte)
        _ = Self.feed(&e, ["Username:", "admin\r\nPassword:"])
        let line = Array("  Authorised access only; all sessions are logged by the network operator.\r\n".utf8)
        var actions: [CLISessionEngine.Action] = []
        for _ in 0..<6000 {
            let action = e.received(line)
            if action != .none { actions.append(action) }
        }
        #expect(actions.isEmpty)
        let refusal = Self.feed(&e, ["%Error 20200: Bad password or user name\r\n"])
        guard case .failed(let error) = refusal.first else {
            Issue.record("expected the refusal after the banner, got \(refusal)")
            return
        }
        #expect(error.deviceText == "%Error 20200: Bad password or user name")
    }

    @Test func closedAfterAnUnfinishedRefusalIsAnAuthenticationFailure() {
        var e = Self.engine(.zte)
        _ = Self.feed(&e, ["Username:", "admin\r\nPassword:", "\r\n%Error 20200: Bad password or user name"])
        let error = e.connectionClosed()
        #expect(error.code == .authenticationFailed)
        #expect(error.deviceText == "%Error 20200: Bad password or user name")
    }

    @Test func outputLinesThatLookLikePromptsMidLineDoNotEndTheCommand() {
        var e = Self.loggedIn()
        _ = e.run("display current-configuration")
        #expect(Self.feed(&e, ["display current-configuration\r\n", " sysname MA5600T\r\n", "#\r\n"]) == [])
        #expect(Self.feed(&e, ["MA5600T#"]) != [])
    }

    @Test func outputBetweenCommandsIsNotTakenForTheNextCommandsOutput() {
        var e = Self.loggedIn()
        _ = Self.feed(&e, ["\r\n! ALARM 0x2e112007 ONT is offline\r\nMA5600T>"])
        _ = e.run("display version")
        let actions = Self.feed(&e, ["display version\r\n  VERSION : V800\r\nMA5600T>"])
        #expect(actions == [.completed(CLIOutput(text: "  VERSION : V800", prompt: "MA5600T>"))])
    }
}
