import ArgumentParser

@main
struct FTTHProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftth-probe",
        abstract: "The field probe of the FTTH acceptance test: PPPoE in user space through the test ONT.",
        discussion: """
            `dial` dials PPPoE on an interface with a test account and reports each phase's time and \
            the outcome. The probe needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN.
            """,
        subcommands: [DialCommand.self]
    )
}
