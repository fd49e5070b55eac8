import FTTHConfig
import Testing

/// `[web]` in ftth-acceptd.toml: the evidence uploads' size limit and where photos are kept.
@Suite struct WebConfigurationTests {
    @Test func theDefaultsAreTenMebibytesAndEvidenceBesideTheStore() throws {
        let configuration = try AcceptdConfiguration(toml: "")
        #expect(configuration.web.maxUploadBytes == 10 * 1024 * 1024)
        #expect(configuration.web.evidenceDirectory(storePath: configuration.store.path) == "var/evidence")
        #expect(
            configuration.web.evidenceDirectory(storePath: "/var/lib/ftth-acceptd/store.sqlite")
                == "/var/lib/ftth-acceptd/evidence")
        #expect(configuration.web.evidenceDirectory(storePath: "store.sqlite") == "evidence")
    }

    @Test func everyKeyIsReadAndAWrongOneIsNamed() throws {
        let web = try AcceptdConfiguration(
            toml: """
                [web]
                max_upload_bytes = 1048576
                evidence_dir = "/srv/evidence"
                """
        ).web
        #expect(web.maxUploadBytes == 1_048_576)
        #expect(web.evidenceDirectory(storePath: "var/x.sqlite") == "/srv/evidence")
        for (toml, key) in [
            ("[web]\nmax_upload_bytes = 10", "web.max_upload_bytes"), ("[web]\nmax_photo = 1", "web.max_photo"),
        ] {
            #expect(throws: ConfigurationError.self, "\(key)") { try AcceptdConfiguration(toml: toml) }
            do { _ = try AcceptdConfiguration(toml: toml) } catch let error as ConfigurationError {
                #expect(error.description.contains(key), "\(error)")
            }
        }
    }
}
