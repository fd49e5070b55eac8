import SNMPAgent
import SNMPModel
import Testing

/// The security a net-snmp tool uses: a community for v1/v2c or a v3 user.
enum Credentials: Sendable, CustomTestStringConvertible {
    case v1(String)
    case v2c(String)
    case v3(SNMPv3Security)

    var arguments: [String] {
        switch self {
        case .v1(let community): ["-v1", "-c", community]
        case .v2c(let community): ["-v2c", "-c", community]
        case .v3(let user): TestUsers.arguments(user)
        }
    }

    var isV1: Bool {
        if case .v1 = self { return true }
        return false
    }

    var testDescription: String {
        switch self {
        case .v1(let community): "v1 \(community)"
        case .v2c(let community): "v2c \(community)"
        case .v3(let user): "v3 \(user.user) \(user.level.rawValue)"
        }
    }

    /// Every version and v3 security level and protocol the agent supports.
    static let readers: [Credentials] = [
        .v1("public"), .v2c("public"), .v3(TestUsers.noAuth), .v3(TestUsers.md5), .v3(TestUsers.sha),
        .v3(TestUsers.sha256), .v3(TestUsers.shaAES), .v3(TestUsers.sha256AES),
    ]

    /// The versions and levels that have GETBULK.
    static let bulkReaders: [Credentials] = readers.filter { !$0.isV1 }
}

/// net-snmp's own tools read exactly the view's values through every version and security level.
@Suite("net-snmp reads the view")
struct NetSNMPReadTests {
    @Test("snmpwalk lists every binding in order", arguments: Credentials.readers)
    func walk(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            let result = try await NetSNMPTool.run("snmpwalk", credentials.arguments + [target, ".1"])
            #expect(result.status == 0, "\(result)")
            if credentials.isV1 {
                // v1 has no endOfMibView: the walk ends at noSuchName, which net-snmp prints as "End of MIB".
                #expect(result.lines.last == "End of MIB")
                #expect(try NetSNMPOutput.bindings(result) == MIBFixture.v1Bindings)
            } else {
                #expect(try NetSNMPOutput.bindings(result) == MIBFixture.bindings + [MIBFixture.endOfView])
            }
        }
    }

    @Test("snmpbulkwalk lists every binding in order", arguments: Credentials.bulkReaders)
    func bulkWalk(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            let result = try await NetSNMPTool.run("snmpbulkwalk", credentials.arguments + ["-Cr25", target, ".1"])
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == MIBFixture.bindings + [MIBFixture.endOfView])
        }
    }

    @Test("snmpbulkwalk with a small message size still gets every binding")
    func bulkWalkTruncated() async throws {
        try await withAgent(.test(maxMessageSize: 484)) { agent, target in
            let result = try await NetSNMPTool.run("snmpbulkwalk", ["-v2c", "-c", "public", "-Cr200", target, ".1"])
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == MIBFixture.bindings + [MIBFixture.endOfView])
            // With 200 repetitions asked and 484 bytes allowed, every response was cut short.
            #expect(agent.statistics.responses > MIBFixture.bindings.count / 20)
        }
    }

    @Test("snmpget reads scalars, table cells and exceptions", arguments: Credentials.readers)
    func get(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            var expected = MIBFixture.bindings.filter {
                $0.oid.isWithin(MIBFixture.enterprise.appending(1)) || $0.oid.isWithin("1.3.6.1.2.1.1")
            }
            expected.append(
                VarBind("1.3.6.1.4.1.99999.2.1.1.2.3.17", .string("HWTC\(String(3017, radix: 16, uppercase: true))")))
            if credentials.isV1 {
                expected = expected.filter {
                    if case .counter64 = $0.value { return false }
                    return true
                }
            } else {
                expected += [
                    VarBind("1.3.6.1.2.1.1.99.0", .noSuchObject),
                    VarBind("1.3.6.1.2.1.1.5.1", .noSuchInstance),
                ]
            }
            let result = try await NetSNMPTool.run(
                "snmpget", credentials.arguments + [target] + expected.map { $0.oid.description })
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == expected)
        }
    }

    @Test("snmpgetnext steps to each successor", arguments: Credentials.readers)
    func getNext(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            let all = MIBFixture.bindings
            let starts: [OID] = [
                "1.3.6.1.2.1.1", "1.3.6.1.2.1.1.7.0", "1.3.6.1.4.1.99999.1.9.0", "1.3.6.1.4.1.99999.2",
            ]
            let expected = starts.map { start in all.first { $0.oid > start }! }
            let result = try await NetSNMPTool.run(
                "snmpgetnext", credentials.arguments + [target] + starts.map(\.description))
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == expected)
        }
    }

    @Test("snmpgetnext past the last binding", arguments: [Credentials.v1("public"), .v2c("public")])
    func getNextAtEnd(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            let last = MIBFixture.bindings.last!.oid
            let result = try await NetSNMPTool.run("snmpgetnext", credentials.arguments + [target, last.description])
            if credentials.isV1 {
                #expect(result.status != 0)
                #expect(result.stderr.contains("(noSuchName) There is no such variable name in this MIB."))
            } else {
                #expect(try NetSNMPOutput.bindings(result) == [VarBind(last, .endOfMibView)])
            }
        }
    }

    @Test("snmpget of a Counter64 over v1 is noSuchName")
    func v1Counter64() async throws {
        try await withAgent { _, target in
            let result = try await NetSNMPTool.run(
                "snmpget", ["-v1", "-c", "public", "-Cf", target, "1.3.6.1.2.1.31.1.1.1.6.1"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("(noSuchName) There is no such variable name in this MIB."))
            #expect(result.stderr.contains("Failed object: .1.3.6.1.2.1.31.1.1.1.6.1"))
        }
    }

    @Test("snmpbulkget honours non-repeaters and max-repetitions", arguments: Credentials.bulkReaders)
    func bulkGet(_ credentials: Credentials) async throws {
        try await withAgent { _, target in
            let all = MIBFixture.bindings
            let ifDescr: OID = "1.3.6.1.2.1.2.2.1.2"
            let ifType: OID = "1.3.6.1.2.1.2.2.1.3"
            let sysDescr = all.first { $0.oid == MIBFixture.sysDescr }!
            let after = all.first { $0.oid > sysDescr.oid }!
            let descr = all.filter { $0.oid.isWithin(ifDescr) }
            let type = all.filter { $0.oid.isWithin(ifType) }
            // Rows interleave: one binding per repeater per repetition.
            var expected = [after]
            for row in 0..<4 { expected += [descr[row], type[row]] }
            let result = try await NetSNMPTool.run(
                "snmpbulkget",
                credentials.arguments + ["-Cn1", "-Cr4", target, sysDescr.oid.description, "\(ifDescr)", "\(ifType)"])
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == expected)

            let onlyNonRepeaters = try await NetSNMPTool.run(
                "snmpbulkget", credentials.arguments + ["-Cn1", "-Cr0", target, sysDescr.oid.description, "\(ifDescr)"])
            #expect(try NetSNMPOutput.bindings(onlyNonRepeaters) == [after])
        }
    }

    @Test("snmpbulkget at the end of the view answers endOfMibView once per repeater")
    func bulkGetPastEnd() async throws {
        try await withAgent { _, target in
            let last = MIBFixture.bindings.last!
            let beforeLast = MIBFixture.bindings[MIBFixture.bindings.count - 2]
            let result = try await NetSNMPTool.run(
                "snmpbulkget", ["-v2c", "-c", "public", "-Cn0", "-Cr5", target, beforeLast.oid.description])
            #expect(try NetSNMPOutput.bindings(result) == [last, VarBind(last.oid, .endOfMibView)])
        }
    }
}
