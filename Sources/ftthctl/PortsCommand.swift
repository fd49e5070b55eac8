import ArgumentParser
import FTTHCore

struct PortsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports",
        abstract: "Show a project's activation list: OLT, PON port, splitter port, test ONU, VLANs, statuses.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "Project code.")
    var project: String
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let rows = try await store.activationList(projectCode: project)
        if json {
            print(
                JSONOutput.array(
                    rows.map { r in
                        .object([
                            ("olt_ip", .string(r.olt.text)), ("olt_name", .string(r.oltName)),
                            ("pon", .string(r.pon.description)), ("splitter", .string(r.key.splitter)),
                            ("port", .int(r.key.port)), ("onu_name", .string(r.onuName)),
                            ("svlan", .int(r.svlan.value)),
                            ("cvlan", r.cvlan.map { .int($0.value) } ?? .null),
                            ("onu_serial", r.onuSerial.map { .string($0.text) } ?? .null),
                            ("onu_password", r.onuPassword.map { .string($0) } ?? .null),
                            ("activation", .string(r.workflow.activation.rawValue)),
                            ("test", .string(r.workflow.testStatus.rawValue)),
                            ("line_verdict", r.workflow.verdict.line.map { .string($0.rawValue) } ?? .null),
                            ("service_verdict", r.workflow.verdict.service.map { .string($0.rawValue) } ?? .null),
                            ("overall_verdict", r.workflow.verdict.overall.map { .string($0.rawValue) } ?? .null),
                        ])
                    }
                ).rendered())
            return
        }
        var table = TextTable(
            "OLT IP", "PON", "SPLITTER", "PORT", "TEST ONU", "SVLAN", "CVLAN", "SERIAL", "PASSWORD", "ACTIVATION",
            "TEST",
            "LINE")
        for r in rows {
            table.add([
                r.olt.text, r.pon.description, r.key.splitter, String(r.key.port), r.onuName, r.svlan.description,
                r.cvlan?.description ?? "-", r.onuSerial?.text ?? "-", r.onuPassword ?? "-",
                r.workflow.activation.rawValue,
                r.workflow.testStatus.rawValue, r.workflow.verdict.line?.rawValue ?? "-",
            ])
        }
        print(table.rendered())
    }
}
