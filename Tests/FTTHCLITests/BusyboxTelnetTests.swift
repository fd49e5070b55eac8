import CLIModel
import Testing

@testable import FTTHCLI

/// Telnet against a real peer: busybox's telnetd negotiating options its own way and running a
/// shell script that plays a Huawei OLT on a real pty (echo, CR/LF translation, a pager that reads
/// one key in raw mode).
@Suite(.serialized)
struct BusyboxTelnetTests {
    static let script = #"""
        # Plays a Huawei MA5600T's login and a few commands on the pty busybox telnetd gives it.
        printf '\r\nWarning: Telnet is not a secure protocol.\r\n\r\n>>User name:'
        IFS= read -r user
        stty -echo
        printf '\r\n>>User password:'
        IFS= read -r pass
        stty echo
        if [ "$user" != "admin" ] || [ "$pass" != "secret" ]; then
          printf '\r\n  Username or password invalid.\r\n\r\n>>User name:'
          IFS= read -r user
          exit 1
        fi
        printf '\r\n\r\n  Huawei Integrated Access Software (MA5600T).\r\n\r\nMA5600T>'
        while IFS= read -r line; do
          case "$line" in
            "display version")
              printf '  VERSION : MA5600V800R018C10\r\n' ;;
            "stty size")
              stty size ;;
            "display long")
              i=1
              while [ $i -le 30 ]; do
                printf '  row %d\r\n' $i
                if [ $i -eq 20 ]; then
                  stty -icanon -echo min 1
                  printf "%s" "---- More ( Press 'Q' to break ) ----"
                  dd bs=1 count=1 >/dev/null 2>&1
                  stty icanon echo
                  printf '\033[37D%37s\033[37D' ''
                fi
                i=$((i + 1))
              done ;;
            quit) exit 0 ;;
            *) printf "  %% Unknown command, the error locates at '^'\r\n" ;;
          esac
          printf 'MA5600T>'
        done
        """#

    static func target(port: Int, password: String = "secret") -> CLITarget {
        CLITarget(
            host: "127.0.0.1", port: port, transport: .telnet, username: "admin", password: password,
            loginTimeout: .seconds(60), commandTimeout: .seconds(60))
    }

    @Test func logsInRunsCommandsAndPagesThroughBusybox() async throws {
        let telnetd = try BusyboxTelnetd(script: Self.script)
        defer { telnetd.stop() }
        let session = try await CLIShellSession.connect(Self.target(port: telnetd.port), style: .huawei)
        #expect(session.loginPrompt == "MA5600T>")
        let version = try await session.run("display version", timeout: .seconds(60))
        #expect(version == CLIOutput(text: "  VERSION : MA5600V800R018C10", prompt: "MA5600T>"))
        // busybox telnetd set the pty's size from our NAWS report: 512 rows, 200 columns.
        let size = try await session.run("stty size", timeout: .seconds(60))
        #expect(size.text == "512 200")
        let long = try await session.run("display long", timeout: .seconds(60))
        #expect(long.text == (1...30).map { "  row \($0)" }.joined(separator: "\n"))
        let unknown = try await session.run("display nothing", timeout: .seconds(60))
        #expect(unknown.text == "  % Unknown command, the error locates at '^'")
        await session.close()
    }

    @Test func wrongPasswordIsRefusedByBusyboxPeer() async throws {
        let telnetd = try BusyboxTelnetd(script: Self.script)
        defer { telnetd.stop() }
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: telnetd.port, password: "wrong"), style: .huawei)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.deviceText == "Username or password invalid.")
    }
}
