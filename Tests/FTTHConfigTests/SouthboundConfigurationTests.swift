import CLIModel
import FTTHConfig
import FTTHCore
import Foundation
import Testing

@Suite struct SouthboundConfigurationTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH1EVVc4EZTwOMbCholgDECWdfGQLJvo6ZooJZ/rEtIo"

    @Test func defaultsAndOverrides() throws {
        let config = try AcceptdConfiguration(
            toml: """
                [southbound]
                line_profile = "lp-test"
                max_cli_sessions = 3

                [[olt]]
                address = "10.20.0.1"
                transport = "ssh"
                username = "ftth"
                password_env = "FTTH_OLT_PASSWORD"
                host_key = "\(Self.key) root@olt"

                [[olt]]
                address = "10.20.0.2"
                transport = "telnet"
                host = "127.0.0.1"
                port = 2324
                username = "ftth"
                password = "in-the-file"
                service_profile = "ZTE-F660"
                """)
        let sb = config.southbound
        #expect(sb.commandTimeoutSeconds == 30)
        let huawei = try #require(sb.access(for: ManagementAddress("10.20.0.1")!))
        #expect(huawei.transport == .ssh)
        #expect(huawei.lineProfile == "lp-test")
        #expect(huawei.serviceProfile == "ftth-test")
        #expect(huawei.maxCLISessions == 3)
        // The comment after the key is not part of it.
        #expect(huawei.hostKey == Self.key)
        #expect(huawei.secret(environment: ["FTTH_OLT_PASSWORD": "pw"]) == "pw")
        #expect(huawei.secret(environment: [:]) == nil)
        let zte = try #require(sb.access(for: ManagementAddress("10.20.0.2")!))
        #expect(zte.port == 2324)
        #expect(zte.serviceProfile == "ZTE-F660")
        #expect(zte.secret(environment: [:]) == "in-the-file")
        #expect(sb.access(for: ManagementAddress("10.20.0.3")!) == nil)
    }

    @Test(arguments: [
        ("transport = \"ssh\"\nusername = \"u\"\npassword_env = \"P\"", "olt[0].host_key", "is required for ssh"),
        (
            "transport = \"ssh\"\nusername = \"u\"\npassword_env = \"P\"\nhost_key = \"ssh-dss AAAA\"",
            "olt[0].host_key",
            "OpenSSH public key"
        ),
        ("transport = \"telnet\"\npassword_env = \"P\"", "olt[0].username", "is required for telnet"),
        ("transport = \"telnet\"\nusername = \"u\"", "olt[0].password_env", "is required for telnet"),
        ("transport = \"telnet\"\nusername = \"u\"\npassword_env = \"A B\"", "olt[0].password_env", "environment"),
        (
            "transport = \"telnet\"\nusername = \"u\"\npassword_env = \"P\"\nhost_key = \"ssh-ed25519 AAAA\"",
            "olt[0].host_key", "ssh only"
        ),
        (
            "transport = \"ssh\"\nusername = \"u\"\npassword_env = \"P\"\nhost_key = \"SHA256:abc\"\n"
                + "ssh_legacy_algorithms = [\"hmac-md5\"]",
            "olt[0].host_key", "SHA256:"
        ),
        (
            "transport = \"ssh\"\nusername = \"u\"\npassword_env = \"P\"\nhost_key = \"\(SouthboundConfigurationTests.key)\"\n"
                + "ssh_legacy_algorithms = [\"aes128-ctr\", \"hmac-md5\"]",
            "olt[0].ssh_legacy_algorithms", "\"hmac-md5\" is not a legacy SSH algorithm"
        ),
        (
            "transport = \"telnet\"\nusername = \"u\"\npassword_env = \"P\"\nssh_legacy_algorithms = [\"ssh-rsa\"]",
            "olt[0].ssh_legacy_algorithms", "ssh only"
        ),
        ("transport = \"ftp\"", "olt[0].transport", "snmp, telnet or ssh"),
        ("transport = \"snmp\"\nline_profile = \"a b\"", "olt[0].line_profile", "letters, digits"),
        ("transport = \"snmp\"\nport = 70000", "olt[0].port", "1...65535"),
        ("transport = \"snmp\"\ncolour = 1", "olt[0].colour", "unknown key"),
    ])
    func mistakesNameTheKey(body: String, key: String, message: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try AcceptdConfiguration(toml: "[[olt]]\naddress = \"10.20.0.1\"\n" + body)
        }
        #expect(error?.key == key, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func legacySSHAlgorithmsAndFingerprintPins() throws {
        let fingerprint = "SHA256:So3q41jvvOqJqN/oyFoahiMAOLcwZ3EwNd7VOEF6Yqo"
        let config = try AcceptdConfiguration(
            toml: """
                [[olt]]
                address = "10.20.0.1"
                transport = "ssh"
                username = "ftth"
                password_env = "FTTH_OLT_PASSWORD"
                host_key = "\(fingerprint)"
                ssh_legacy_algorithms = ["ssh-rsa", "diffie-hellman-group14-sha1", "aes128-cbc", "hmac-sha1"]
                ssh_key_file = "/etc/ftth/olt_ed25519"
                """)
        let olt = try #require(config.southbound.access(for: ManagementAddress("10.20.0.1")!))
        #expect(olt.hostKey == fingerprint)
        #expect(olt.sshAlgorithms.legacyOptIn == ["ssh-rsa", "diffie-hellman-group14-sha1", "aes128-cbc", "hmac-sha1"])
        #expect(olt.sshAlgorithms.offered(.keyExchange).last == "diffie-hellman-group14-sha1")
        #expect(olt.sshKeyFile == "/etc/ftth/olt_ed25519")
    }

    @Test func anOLTConfiguredTwiceIsRefused() {
        let olt = "[[olt]]\naddress = \"10.20.0.1\"\ntransport = \"snmp\"\n"
        let error = #expect(throws: ConfigurationError.self) { _ = try AcceptdConfiguration(toml: olt + olt) }
        #expect(error?.message.contains("configured twice") == true)
    }
}

@Suite struct EngineSettingsTests {
    @Test func defaultsAndTheShippedFileAgree() throws {
        let shipped = try AcceptdConfiguration(toml: "")
        #expect(shipped.engine == EngineSettings())
        let set = try AcceptdConfiguration(
            toml: "[engine]\nonline_timeout_s = 30\n[scheduler]\ntick_s = 0\nprofile = \"user\"\n")
        #expect(set.engine.onlineTimeoutSeconds == 30)
        #expect(set.engine.schedulerTickSeconds == 0)
        #expect(set.engine.retestProfile == "user")
    }

    @Test(arguments: [
        ("[engine]\nonline_timeout_s = 1", "engine.online_timeout_s"),
        ("[engine]\nbackoff_s = 10\nmax_backoff_s = 5", "engine.max_backoff_s"),
        ("[scheduler]\nretest = 5", "scheduler.retest"),
    ])
    func mistakesNameTheKey(toml: String, key: String) {
        let error = #expect(throws: ConfigurationError.self) { _ = try AcceptdConfiguration(toml: toml) }
        #expect(error?.key == key)
    }
}

@Suite struct SNMPSettingsTests {
    @Test func southboundDefaultsAndPerOLTOverrides() throws {
        let config = try AcceptdConfiguration(
            toml: """
                [southbound]
                snmp_timeout_ms = 5000
                snmp_retries = 2

                [[olt]]
                address = "10.20.0.1"
                transport = "snmp"
                password_env = "OLT_COMMUNITY"

                [[olt]]
                address = "10.20.0.2"
                transport = "snmp"
                snmp_version = "v3"
                snmp_user = "ftth"
                snmp_auth_protocol = "sha-256"
                snmp_auth_password_env = "OLT_AUTH"
                snmp_priv_protocol = "aes"
                snmp_priv_password_env = "OLT_PRIV"
                snmp_timeout_ms = 1500
                snmp_retries = 0

                [[olt]]
                address = "10.20.0.3"
                transport = "snmp"
                snmp_version = "v1"
                password = "public"
                """)
        let sb = config.southbound
        #expect(SouthboundConfiguration().snmp.version == .v2c)
        #expect(SouthboundConfiguration().snmp.timeoutMilliseconds == 3000)
        let v2c = try #require(sb.access(for: ManagementAddress("10.20.0.1")!)).snmp
        #expect(v2c.version == .v2c)
        #expect(v2c.timeoutMilliseconds == 5000)
        #expect(v2c.retries == 2)
        let v3 = try #require(sb.access(for: ManagementAddress("10.20.0.2")!)).snmp
        #expect(v3.version == .v3)
        #expect(v3.user == "ftth")
        #expect(v3.authProtocol == .sha256)
        #expect(v3.authPasswordEnvironment == "OLT_AUTH")
        #expect(v3.privProtocol == .aes)
        #expect(v3.privPasswordEnvironment == "OLT_PRIV")
        #expect(v3.timeoutMilliseconds == 1500)
        #expect(v3.retries == 0)
        #expect(try #require(sb.access(for: ManagementAddress("10.20.0.3")!)).snmp.version == .v1)
    }

    /// The v3 keys every authPriv OLT needs, without the one a case leaves out.
    static func v3(without key: String) -> String {
        [
            "snmp_version = \"v3\"", "snmp_user = \"u\"", "snmp_auth_protocol = \"SHA\"",
            "snmp_auth_password_env = \"A\"", "snmp_priv_protocol = \"AES\"", "snmp_priv_password_env = \"P\"",
        ].filter { !$0.hasPrefix(key + " ") }.joined(separator: "\n")
    }

    @Test(arguments: [
        ("transport = \"snmp\"\nsnmp_version = \"v4\"", "olt[0].snmp_version", "v1, v2c or v3"),
        ("transport = \"snmp\"\nsnmp_timeout_ms = 10", "olt[0].snmp_timeout_ms", "100...60000"),
        ("transport = \"snmp\"\nsnmp_retries = 11", "olt[0].snmp_retries", "0...10"),
        ("transport = \"snmp\"\n" + v3(without: "snmp_user"), "olt[0].snmp_user", "is required for snmp_version"),
        (
            "transport = \"snmp\"\n" + v3(without: "snmp_priv_password_env"), "olt[0].snmp_priv_password_env",
            "authPriv"
        ),
        (
            "transport = \"snmp\"\n" + v3(without: "snmp_auth_protocol") + "\nsnmp_auth_protocol = \"SHA-1\"",
            "olt[0].snmp_auth_protocol", "MD5, SHA or SHA-256"
        ),
        (
            "transport = \"snmp\"\n" + v3(without: "snmp_priv_protocol") + "\nsnmp_priv_protocol = \"3DES\"",
            "olt[0].snmp_priv_protocol", "AES or DES"
        ),
        (
            "transport = \"snmp\"\n" + v3(without: "snmp_auth_password_env") + "\nsnmp_auth_password_env = \"my key\"",
            "olt[0].snmp_auth_password_env", "environment variable"
        ),
        ("transport = \"snmp\"\n" + v3(without: "") + "\npassword_env = \"C\"", "olt[0].password_env", "community"),
        ("transport = \"snmp\"\nsnmp_user = \"u\"", "olt[0].snmp_user", "is for snmp_version = \"v3\""),
        (
            "transport = \"telnet\"\nusername = \"u\"\npassword_env = \"P\"\nsnmp_version = \"v3\"",
            "olt[0].snmp_version", "transport = \"snmp\" only"
        ),
    ])
    func mistakesNameTheKey(body: String, key: String, message: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try AcceptdConfiguration(toml: "[[olt]]\naddress = \"10.20.0.1\"\n" + body)
        }
        #expect(error?.key == key, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func theShippedFileSaysTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/ftth-acceptd.toml").path
        #expect(try AcceptdConfiguration(contentsOfFile: path).southbound.snmp == SNMPSettings())
    }

    @Test func aWrongSouthboundKeyIsNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try AcceptdConfiguration(toml: "[southbound]\nsnmp_version = \"v2\"\n")
        }
        #expect(error?.key == "southbound.snmp_version")
    }
}
