import Foundation
import PPPCore
import PPPoELink

/// Where a dial's lines go: standard output for a person, or standard error with --json (whose
/// standard output holds only the JSON object).
struct DialOutput: Sendable {
    var json: Bool

    /// One line as it is, to the log stream.
    func line(_ text: String) {
        let handle = json ? FileHandle.standardError : FileHandle.standardOutput
        handle.write(Data((text + "\n").utf8))
    }

    func log(elapsed: Duration, _ text: String) {
        line(String(format: "%8.3f s  ", elapsed.milliseconds / 1000) + text)
    }

    func up(_ info: PPPoESessionInfo, tunName: String, elapsed: Duration) {
        line(
            String(format: "%8.3f s  ", elapsed.milliseconds / 1000)
                + "session \(info.sessionID) up with \(info.acName): \(TunDevice.dotted(info.localIP)) "
                + "peer \(TunDevice.dotted(info.peerIP)) on \(tunName), MRU \(info.mru), MSS \(info.mss)")
    }

    /// The summary (or the JSON object) once the dial is over.
    func finish(_ report: DialReport) {
        if json {
            FileHandle.standardOutput.write(Data((report.jsonText() + "\n").utf8))
            return
        }
        var text = ""
        for (name, value) in report.phases {
            let label = name.replacingOccurrences(of: "_ms", with: "")
            let shown = value.map { String(format: "%9.1f ms", $0) } ?? "        —"
            text += "  " + label.padding(toLength: 10, withPad: " ", startingAt: 0) + shown + "\n"
        }
        if let session = report.session {
            text += "  ip        \(TunDevice.dotted(session.localIP)) peer \(TunDevice.dotted(session.peerIP))\n"
            text += "  dns       \(session.dns.map(TunDevice.dotted).joined(separator: ", "))\n"
            text += "  mru       \(session.mru)  mss \(session.mss)\n"
        }
        if let status = report.execStatus { text += "  command exit status \(status)\n" }
        text += "result: \(report.result)"
        if let code = report.reasonCode { text += " (\(code)): \(report.reasonText ?? "")" }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
