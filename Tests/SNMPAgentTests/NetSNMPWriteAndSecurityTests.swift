import SNMPAgent
import SNMPModel
import Testing

/// SET through net-snmp, its refusals, and the ways a manager is turned away.
@Suite("net-snmp writes and security")
struct NetSNMPWriteAndSecurityTests {
    static let writers: [Credentials] = [.v1("private"), .v2c("private"), .v3(TestUsers.shaAES), .v3(TestUsers.sha256)]

    @Test("snmpset changes a value", arguments: writers)
    func set(_ credentials: Credentials) async throws {
        let view = StaticMIBView(MIBFixture.bindings)
        try await withAgent(view: view) { _, target in
            let name = "olt-renamed-\(credentials.testDescription.count)"
            let result = try await NetSNMPTool.run(
                "snmpset", credentials.arguments + [target, MIBFixture.sysName.description, "s", name])
            #expect(result.status == 0, "\(result)")
            #expect(try NetSNMPOutput.bindings(result) == [VarBind(MIBFixture.sysName, .string(name))])
            #expect(await view.value(at: MIBFixture.sysName) == .string(name))

            let read = try await NetSNMPTool.run("snmpget", credentials.arguments + [target, "\(MIBFixture.sysName)"])
            #expect(try NetSNMPOutput.bindings(read) == [VarBind(MIBFixture.sysName, .string(name))])
        }
    }

    @Test("snmpset of several types in one request")
    func setSeveralTypes() async throws {
        let view = StaticMIBView(MIBFixture.bindings)
        try await withAgent(view: view) { _, target in
            let result = try await NetSNMPTool.run(
                "snmpset",
                [
                    "-v2c", "-c", "private", target, "1.3.6.1.4.1.99999.1.1.0", "i", "-42", "1.3.6.1.4.1.99999.1.5.0",
                    "a",
                    "198.51.100.7", "1.3.6.1.4.1.99999.1.9.0", "x", "DEADBEEF00",
                ])
            #expect(result.status == 0, "\(result)")
            #expect(await view.value(at: "1.3.6.1.4.1.99999.1.1.0") == .integer(-42))
            #expect(await view.value(at: "1.3.6.1.4.1.99999.1.5.0") == .ipAddress([198, 51, 100, 7]))
            #expect(await view.value(at: "1.3.6.1.4.1.99999.1.9.0") == .octetString([0xDE, 0xAD, 0xBE, 0xEF, 0x00]))
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let credentials: Credentials
        let arguments: [String]
        let text: String
        var testDescription: String { "\(credentials.testDescription) \(arguments.joined(separator: " "))" }
    }

    static let refusals: [Refusal] = [
        Refusal(
            credentials: .v2c("private"), arguments: ["1.3.6.1.2.1.1.5.0", "i", "5"],
            text: "Reason: wrongType (The set datatype does not match the data type the agent expects)"),
        Refusal(
            credentials: .v2c("private"), arguments: ["1.3.6.1.2.1.1.55.0", "s", "x"],
            text:
                "Reason: noCreation (That table does not support row creation or that object can not ever be created)"),
        Refusal(
            credentials: .v2c("private"), arguments: ["1.3.6.1.4.1.99999.1.4.0", "i", "5000"],
            text: "Reason: wrongValue (The set value is illegal or unsupported in some way)"),
        Refusal(
            credentials: .v3(TestUsers.shaAES), arguments: ["1.3.6.1.4.1.99999.1.4.0", "i", "5000"],
            text: "Reason: wrongValue (The set value is illegal or unsupported in some way)"),
        Refusal(
            credentials: .v1("private"), arguments: ["1.3.6.1.2.1.1.5.0", "i", "5"],
            text: "Reason: (badValue) The value given has the wrong type or length."),
        Refusal(
            credentials: .v1("private"), arguments: ["1.3.6.1.2.1.1.55.0", "s", "x"],
            text: "Reason: (noSuchName) There is no such variable name in this MIB."),
        Refusal(credentials: .v2c("public"), arguments: ["1.3.6.1.2.1.1.5.0", "s", "x"], text: "Reason: noAccess"),
        Refusal(
            credentials: .v1("public"), arguments: ["1.3.6.1.2.1.1.5.0", "s", "x"],
            text: "Reason: (noSuchName) There is no such variable name in this MIB."),
        Refusal(
            credentials: .v3(TestUsers.md5AESReadOnly), arguments: ["1.3.6.1.2.1.1.5.0", "s", "x"],
            text: "Reason: noAccess"),
    ]

    @Test("a refused SET prints net-snmp's text for the status", arguments: refusals)
    func refusedSet(_ refusal: Refusal) async throws {
        // Optical power is writable only within -40…+10 dBm (hundredths).
        let view = StaticMIBView(MIBFixture.bindings) { binding, _ in
            if binding.oid == "1.3.6.1.4.1.99999.1.4.0", case .integer(let value) = binding.value,
                !(-4000...1000).contains(value)
            {
                return SNMPErrorStatus.wrongValue
            }
            return nil
        }
        try await withAgent(view: view) { _, target in
            let result = try await NetSNMPTool.run(
                "snmpset", refusal.credentials.arguments + [target] + refusal.arguments)
            #expect(result.status != 0)
            #expect(result.stderr.contains(refusal.text), "\(result)")
            #expect(result.stderr.contains("Failed object: .\(refusal.arguments[0])"), "\(result)")
            #expect(await view.bindings == MIBFixture.bindings)
        }
    }

    @Test("a SET is all or nothing: one refused binding leaves the others unchanged")
    func setIsAtomic() async throws {
        let view = StaticMIBView(MIBFixture.bindings)
        try await withAgent(view: view) { _, target in
            let result = try await NetSNMPTool.run(
                "snmpset",
                ["-v2c", "-c", "private", target, "1.3.6.1.2.1.1.5.0", "s", "changed", "1.3.6.1.2.1.1.7.0", "s", "bad"])
            #expect(result.stderr.contains("Reason: wrongType"), "\(result)")
            #expect(result.stderr.contains("Failed object: .1.3.6.1.2.1.1.7.0"), "\(result)")
            #expect(await view.value(at: MIBFixture.sysName) == .string("olt-1"))
        }
    }

    @Test("a wrong community gets no answer at all")
    func wrongCommunity() async throws {
        try await withAgent { agent, target in
            let result = try await NetSNMPTool.run(
                "snmpget", ["-v2c", "-c", "wrong", "-t", "1", "-r", "0", target, "\(MIBFixture.sysName)"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("Timeout: No Response from \(target)"), "\(result)")
            #expect(agent.statistics.badCommunities == 1)
            #expect(agent.statistics.authenticationFailures == 1)
            #expect(agent.statistics.dropped == 1)
        }
    }

    @Test(
        "a wrong v3 password is an authentication failure",
        arguments: [TestUsers.md5, TestUsers.sha, TestUsers.sha256, TestUsers.shaAES])
    func wrongPassword(_ user: SNMPv3Security) async throws {
        var wrong = user
        wrong.auth = (user.auth!.protocol, "not-the-password")
        try await withAgent { agent, target in
            let result = try await NetSNMPTool.run(
                "snmpget", TestUsers.arguments(wrong) + [target, "\(MIBFixture.sysName)"])
            #expect(result.status != 0)
            #expect(
                result.stderr.contains("Authentication failure (incorrect password, community or key)"), "\(result)")
            #expect(agent.statistics.wrongDigests == 1)
        }
    }

    @Test("a wrong privacy password is a decryption error")
    func wrongPrivacyPassword() async throws {
        var wrong = TestUsers.shaAES
        wrong.priv = (.aes, "not-the-privacy-password")
        try await withAgent { agent, target in
            let result = try await NetSNMPTool.run(
                "snmpget", TestUsers.arguments(wrong) + [target, "\(MIBFixture.sysName)"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("Decryption error"), "\(result)")
            #expect(agent.statistics.decryptionErrors == 1)
        }
    }

    @Test("an unknown v3 user is reported", arguments: ["noAuthNoPriv", "authNoPriv", "authPriv"])
    func unknownUser(_ level: String) async throws {
        try await withAgent { agent, target in
            let result = try await NetSNMPTool.run(
                "snmpget",
                [
                    "-v3", "-u", "nobody", "-l", level, "-a", "SHA", "-A", "somepassword", "-x", "AES", "-X",
                    "somepassword",
                    target, "\(MIBFixture.sysName)",
                ])
            #expect(result.status != 0)
            #expect(result.stderr.contains("Unknown user name"), "\(result)")
            #expect(agent.statistics.unknownUserNames == 1)
        }
    }

    @Test("a v3 user without authentication cannot ask for it")
    func unsupportedSecurityLevel() async throws {
        try await withAgent { _, target in
            let result = try await NetSNMPTool.run(
                "snmpget",
                [
                    "-v3", "-u", "noauth", "-l", "authNoPriv", "-a", "SHA", "-A", "somepassword", target,
                    "\(MIBFixture.sysName)",
                ])
            #expect(result.stderr.contains("Unsupported security level"), "\(result)")
        }
    }

    @Test("a v3 user below its configured security level is denied")
    func levelBelowUsers() async throws {
        var weaker = TestUsers.shaAES
        weaker.priv = nil
        try await withAgent { _, target in
            let result = try await NetSNMPTool.run(
                "snmpget", TestUsers.arguments(weaker) + [target, "\(MIBFixture.sysName)"])
            #expect(result.stderr.contains("authorizationError (access denied to that object)"), "\(result)")
        }
    }

    @Test("the v3 context name reaches the view")
    func contextName() async throws {
        try await withAgent(view: ContextEchoView()) { _, target in
            let result = try await NetSNMPTool.run(
                "snmpget", TestUsers.arguments(TestUsers.sha256AES) + ["-n", "pon-3", target, "1.3.6.1.2.1.1.5.0"])
            #expect(try NetSNMPOutput.bindings(result) == [VarBind("1.3.6.1.2.1.1.5.0", .string("context pon-3"))])
            let none = try await NetSNMPTool.run("snmpget", ["-v2c", "-c", "public", target, "1.3.6.1.2.1.1.5.0"])
            #expect(try NetSNMPOutput.bindings(none) == [VarBind("1.3.6.1.2.1.1.5.0", .string("context "))])
        }
    }
}

/// Answers every GET with the context name it was asked in.
struct ContextEchoView: MIBView {
    func get(_ oid: OID, context: String) async -> SNMPValue { .string("context \(context)") }
    func next(after oid: OID, context: String) async -> VarBind? { nil }
    func set(_ bindings: [VarBind], context: String) async -> (status: Int, index: Int)? {
        (SNMPErrorStatus.notWritable, 1)
    }
}
