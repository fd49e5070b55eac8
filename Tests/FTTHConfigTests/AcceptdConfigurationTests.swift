import FTTHConfig
import FTTHCore
import Foundation
import Testing

@Suite struct AcceptdConfigurationTests {
    @Test func emptyFileGivesTheEmbeddedDefaults() throws {
        let c = try AcceptdConfiguration(toml: "")
        #expect(c.store.path == "var/ftth-acceptd.sqlite")
        #expect(c.profiles["build"] == .build)
        #expect(c.profiles["user"] == .user)
        #expect(c.namingRule.template == ONUNamingRule.defaultTemplate)
        #expect(c.cvlanRanges.isEmpty)
    }

    /// Port 0 lets the kernel pick (tests and labs read the port from the log); below 1024 the
    /// daemon would need a capability it does not have.
    @Test func theAPIPortIsUnprivilegedOrZero() throws {
        #expect(try AcceptdConfiguration(toml: "").api.port == 8080)
        #expect(try AcceptdConfiguration(toml: "[api]\nport = 0").api.port == 0)
        #expect(try AcceptdConfiguration(toml: "[api]\nport = 18080").api.port == 18080)
        #expect {
            _ = try AcceptdConfiguration(toml: "[api]\nport = 443")
        } throws: { error in
            "\(error)".contains("or 0 for any free port")
        }
    }

    @Test func theAPILimitsHaveDefaultsAndAreConfigured() throws {
        let defaults = try AcceptdConfiguration(toml: "").api
        #expect(defaults.headerTimeoutSeconds == 10)
        #expect(defaults.maxConnections == 512)
        let c = try AcceptdConfiguration(
            toml: """
                [api]
                idle_timeout_s = 5
                header_timeout_s = 2.5
                body_timeout_s = 20
                max_connections = 100
                auth_failure_limit = 3
                auth_failure_window_s = 120
                """
        ).api
        #expect(c.idleTimeoutSeconds == 5)
        #expect(c.headerTimeoutSeconds == 2.5)
        #expect(c.bodyTimeoutSeconds == 20)
        #expect(c.maxConnections == 100)
        #expect(c.authFailureLimit == 3)
        #expect(c.authFailureWindowSeconds == 120)
    }

    @Test func activationIsBySerialUnlessPasswordOLTsAreNamed() throws {
        #expect(try AcceptdConfiguration(toml: "").activation == ActivationPolicy())
        let c = try AcceptdConfiguration(
            toml: """
                [activation]
                password_olts = ["10.20.0.2"]
                password_length = 8
                password_alphabet = "alphanumeric"
                """)
        #expect(c.activation.authentication(for: ManagementAddress("10.20.0.2")!) == .password)
        #expect(c.activation.authentication(for: ManagementAddress("10.20.0.1")!) == .serial)
        #expect(c.activation.passwordRule.length == 8)
        #expect(c.activation.passwordRule.alphabet == .alphanumeric)
        for (toml, words) in [
            ("authentication = \"loid\"", "activation.authentication"),
            ("password_olts = [\"olt-3\"]", "'olt-3' is not an OLT management address"),
            ("password_length = 16", "longer than huawei-ma5600t, huawei-ma5800 accepts (10)"),
            ("password_alphabet = \"emoji\"", "must be \"digits\" or \"alphanumeric\""),
            ("loid = true", "activation.loid"),
        ] {
            #expect {
                _ = try AcceptdConfiguration(toml: "[activation]\n" + toml)
            } throws: { error in
                "\(error)".contains(words)
            }
        }
    }

    @Test func bindingListsTheChecksThatFailThePort() throws {
        let c = try AcceptdConfiguration(
            toml: """
                [thresholds.build]
                binding = ["min_onu_rx_dbm", "min_olt_rx_dbm"]
                """)
        let build = try #require(c.profiles["build"])
        #expect(build.binds(.minONURx) && build.binds(.minOLTRx))
        #expect(!build.binds(.maxONURx) && !build.binds(.maxUpstreamAttenuation))
        #expect(c.profiles["user"] == .user)
        #expect {
            _ = try AcceptdConfiguration(toml: "[thresholds.build]\nbinding = [\"min_rx\"]")
        } throws: { error in
            "\(error)".contains("thresholds.build.binding") && "\(error)".contains("'min_rx' is not a check")
        }
    }

    @Test func theShippedConfigurationIsValidAndMatchesTheDesign() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/ftth-acceptd.toml").path
        let c = try AcceptdConfiguration(contentsOfFile: path)
        #expect(c.profiles["build"] == .build)
        #expect(c.profiles["user"] == .user)
        let cplus = try c.profile(named: "build-cplus")
        #expect(cplus.minONURx == DBm(-20))
        #expect(cplus.maxDownstreamAttenuation == Decibels(32))
        #expect(c.cvlanRanges.map(\.name) == ["city-test"])
        #expect(c.service == ServiceTestPolicy())
    }

    @Test func profilesOverrideDisableAndInherit() throws {
        let c = try AcceptdConfiguration(
            toml: """
                [thresholds.build]
                min_onu_rx_dbm = -19.5
                max_onu_rx_dbm = "off"

                [thresholds.strict]
                base = "user"
                min_onu_rx_dbm = -24

                [thresholds.rx-only]
                min_onu_rx_dbm = -25.0
                """)
        let build = try c.profile(named: "build")
        #expect(build.minONURx == DBm(centi: -1950))
        #expect(build.maxONURx == nil)
        #expect(build.minOLTRx == DBm(-28))
        let strict = try c.profile(named: "strict")
        #expect(strict.name == "strict")
        #expect(strict.minONURx == DBm(-24))
        #expect(strict.maxDownstreamAttenuation == Decibels(28))
        let rxOnly = try c.profile(named: "rx-only")
        #expect(rxOnly == ThresholdProfile(name: "rx-only", minONURx: DBm(-25)))
    }

    @Test(arguments: [
        ("[thresholds.build]\nmin_onu_rx_dbm = \"low\"", "thresholds.build.min_onu_rx_dbm"),
        ("[thresholds.build]\nmin_onu_rx = -20", "thresholds.build.min_onu_rx"),
        ("[thresholds.build]\nmin_onu_rx_dbm = -5\nmax_onu_rx_dbm = -8", "thresholds.build"),
        ("[thresholds.x]\nbase = \"nope\"", "thresholds.x.base"),
        ("[thresholds.\"bad name\"]\nmin_onu_rx_dbm = -20", "thresholds.bad name"),
        ("[thresholds.build]\nmax_upstream_attenuation_db = 1e9", "thresholds.build.max_upstream_attenuation_db"),
        ("[naming]\ntemplate = \"{olt_ip}-{port}\"", "naming.template"),
        ("[naming]\ntemplate = 5", "naming.template"),
        ("[store]\npath = \"\"", "store.path"),
        ("[store]\nfile = \"x\"", "store.file"),
        ("[[cvlan_ranges]]\nname = \"a\"\nfirst = 10\nlast = 5", "cvlan_ranges[0].last"),
        ("[[cvlan_ranges]]\nname = \"a\"\nfirst = 0\nlast = 5", "cvlan_ranges[0].first"),
        ("[[cvlan_ranges]]\nname = \"a\"\nolt_ip = \"not-an-ip\"\nfirst = 1\nlast = 5", "cvlan_ranges[0].olt_ip"),
        ("[[cvlan_ranges]]\nfirst = 1\nlast = 5", "cvlan_ranges[0].name"),
        ("cvlan_ranges = 5", "cvlan_ranges"),
        ("colour = \"blue\"", "colour"),
        ("[api]\nport = 80", "api.port"),
        ("[api]\nport = 70000", "api.port"),
        ("[api]\nheader_timeout_s = 0", "api.header_timeout_s"),
        ("[api]\nmax_connections = 0", "api.max_connections"),
        ("[api]\nauth_failure_limit = \"ten\"", "api.auth_failure_limit"),
    ])
    func anInvalidValueNamesItsKey(toml: String, key: String) {
        #expect {
            _ = try AcceptdConfiguration(toml: toml)
        } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.key == key && !e.message.isEmpty && e.description.contains("key '\(key)'")
        }
    }

    @Test func brokenTOMLNamesTheLine() {
        #expect {
            _ = try AcceptdConfiguration(toml: "[store]\npath = \n")
        } throws: { error in
            "\(error)".contains("line 2")
        }
    }

    @Test func aMissingFileNamesTheFile() {
        #expect {
            _ = try AcceptdConfiguration(contentsOfFile: "/nonexistent/ftth.toml")
        } throws: { error in
            "\(error)".contains("/nonexistent/ftth.toml")
        }
    }

    @Test func anUnknownProfileListsTheConfiguredOnes() {
        #expect {
            _ = try AcceptdConfiguration().profile(named: "nope")
        } throws: { error in
            "\(error)".contains("build, user")
        }
    }
}

/// `[store]` on PostgreSQL and `[cluster]`: what several daemons on one database are told.
@Suite struct ClusterConfigurationTests {
    static let store = """
        [store]
        kind = "postgres"
        url = "postgres://ftth@db.example.net:5432/ftth"

        """

    @Test func aClusterDaemonIsNamedByItsHostAndAPIPortUnlessItIsGivenAName() throws {
        let defaults = try AcceptdConfiguration(toml: Self.store)
        #expect(defaults.cluster.leaseSeconds == 90)
        #expect(defaults.cluster.daemonName(api: defaults.api, hostName: "hz-acc-1", process: 411) == "hz-acc-1:8080")
        let anyPort = try AcceptdConfiguration(toml: Self.store + "[api]\nport = 0\n")
        // A port the system picks changes at each start: the process stands in for it.
        #expect(anyPort.cluster.daemonName(api: anyPort.api, hostName: "hz-acc-1", process: 411) == "hz-acc-1-411")
        let named = try AcceptdConfiguration(toml: Self.store + "[cluster]\nname = \"hz-acc-a\"\nlease_s = 75\n")
        #expect(named.cluster.daemonName(api: named.api, hostName: "hz-acc-1", process: 411) == "hz-acc-a")
        #expect(named.cluster.leaseSeconds == 75)
    }

    @Test func aNameWithASlashAndALeaseShorterThanTwoCommandsAreRefusedWithWhatToDo() throws {
        #expect {
            _ = try AcceptdConfiguration(toml: Self.store + "[cluster]\nname = \"hz/a\"\n")
        } throws: { error in
            "\(error)".contains("cluster.name") && "\(error)".contains("without '/'")
        }
        #expect {
            _ = try AcceptdConfiguration(
                toml: Self.store + "[cluster]\nlease_s = 20\n[southbound]\ncommand_timeout_s = 10\n")
        } throws: { error in
            "\(error)".contains("cluster.lease_s") && "\(error)".contains("raise lease_s or lower command_timeout_s")
        }
        // On SQLite there is no cluster, and its lease is not checked.
        #expect(try AcceptdConfiguration(toml: "[cluster]\nlease_s = 5\n").cluster.leaseSeconds == 5)
    }

    @Test func aPostgreSQLStoreNeedsAURLAndSaysWhatOneLooksLike() throws {
        #expect {
            _ = try AcceptdConfiguration(toml: "[store]\nkind = \"postgres\"\n")
        } throws: { error in
            "\(error)".contains("needs url = \"postgres://USER@HOST:5432/DATABASE\"")
        }
        #expect {
            _ = try AcceptdConfiguration(toml: "[store]\nkind = \"postgres\"\nurl = \"mysql://x\"\n")
        } throws: { error in
            "\(error)".contains("store.url") && "\(error)".contains("must be a PostgreSQL URL")
        }
    }
}
