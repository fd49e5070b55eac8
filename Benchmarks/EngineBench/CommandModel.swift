/// The CLI commands one port test costs an OLT, counted from the drivers
/// (Sources/FTTHDrivers/CLI) and the engine (provision → run-state polls → read optics), for a
/// test ONU not yet on the OLT. The benchmark checks these against what olt-sim counted.
struct CommandModel {
    var dialect: String
    /// Once per new CLI session, after login.
    var sessionSetup: [String]
    /// `provision`, up to and including the command that configures the ONU (its registration
    /// clock starts there).
    var provisionUntilAdded: [String]
    /// The rest of `provision`.
    var provisionAfterAdded: [String]
    /// One `runState` call.
    var poll: [String]
    /// `readOptics` of one ONU.
    var read: [String]

    var provision: Int { provisionUntilAdded.count + provisionAfterAdded.count }
    /// A port test with the fewest polls possible: one, answered online.
    var minimumPerPort: Int { provision + poll.count + read.count }

    static let huawei = CommandModel(
        dialect: "Huawei",
        sessionSetup: ["enable", "undo smart", "mmi-mode enable", "scroll 512"],
        provisionUntilAdded: ["config", "display ont info summary F/S/P", "interface gpon F/S", "ont add P sn-auth …"],
        // The last `quit` is CLIDriverCore leaving configuration mode at the end of the batch.
        provisionAfterAdded: ["quit", "display service-port port F/S/P ont ID", "service-port vlan …", "quit"],
        poll: ["display ont info F S P ID"],
        // The engine reads right after its wait saw the ONT online, so the driver does not ask the
        // run state again (an ONT gone offline meanwhile answers "not online" to the optics view).
        read: [
            "config", "interface gpon F/S", "display port state P", "display ont optical-info P ID", "quit", "quit",
        ])

    static let zte = CommandModel(
        dialect: "ZTE",
        sessionSetup: ["terminal length 0"],
        provisionUntilAdded: [
            "show gpon onu baseinfo gpon-olt_…", "show gpon onu state gpon-olt_…", "configure terminal",
            "interface gpon-olt_…", "onu ID type … sn …",
        ],
        provisionAfterAdded: [
            "exit", "interface gpon-onu_…:ID", "name …", "tcont 1 profile …", "gemport 1 tcont 1",
            "service-port 1 vport 1 …", "end",
        ],
        poll: ["show gpon onu state gpon-olt_…"],
        read: ["show gpon onu state gpon-olt_…", "show pon power attenuation gpon-onu_…:ID"])

    static func of(dialect: String) -> CommandModel { dialect.hasPrefix("huawei") ? huawei : zte }

    /// The command kind (olt-sim's `cli-stats`) that counts run-state polls, and how many
    /// commands of that kind a port test sends besides its polls.
    var pollKind: (kind: String, others: Int) {
        dialect == "Huawei" ? ("display ont info", 0) : ("show gpon onu state", 2)
    }
}
