import FTTHConfig
import Foundation
import Testing

@Suite struct PushConfigurationTests {
    @Test func withoutAURLPushingIsDisabledWithTheDefaults() throws {
        let c = try AcceptdConfiguration(toml: "").push
        #expect(!c.isEnabled)
        #expect(c.url == nil)
        #expect(c.timeoutSeconds == 10)
        #expect(c.backoffSeconds == 5)
        #expect(c.maxBackoffSeconds == 600)
        #expect(c.batch == 50)
        #expect(c.pollSeconds == 30)
    }

    @Test func theShippedConfigurationLeavesPushingDisabled() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/ftth-acceptd.toml").path
        let c = try AcceptdConfiguration(contentsOfFile: path).push
        #expect(!c.isEnabled)
        #expect(c.backoffSeconds == 5)
        #expect(c.maxBackoffSeconds == 600)
    }

    @Test func everyKeyIsRead() throws {
        let c = try AcceptdConfiguration(
            toml: """
                [push]
                url = "https://accounts.example.net/ftth/ports"
                token_env = "FTTH_PUSH_TOKEN"
                timeout_s = 4.5
                backoff_s = 2
                max_backoff_s = 120
                batch = 10
                poll_s = 15
                """
        ).push
        #expect(c.url == URL(string: "https://accounts.example.net/ftth/ports"))
        #expect(c.isEnabled)
        #expect(c.tokenEnvironment == "FTTH_PUSH_TOKEN")
        #expect(c.token(environment: ["FTTH_PUSH_TOKEN": "abc"]) == "abc")
        #expect(c.token(environment: ["FTTH_PUSH_TOKEN": ""]) == nil)
        #expect(c.token(environment: [:]) == nil)
        #expect(c.timeoutSeconds == 4.5)
        #expect(c.backoffSeconds == 2)
        #expect(c.maxBackoffSeconds == 120)
        #expect(c.batch == 10)
        #expect(c.pollSeconds == 15)
    }

    @Test(arguments: [
        ("url = \"ftp://example.net/x\"", "push.url", "http or https"),
        ("url = \"not a url\"", "push.url", "http or https"),
        ("url = 42", "push.url", "non-empty string"),
        ("token_env = \"FTTH PUSH\"", "push.token_env", "environment variable"),
        ("timeout_s = 0", "push.timeout_s", "number in"),
        ("backoff_s = \"5\"", "push.backoff_s", "number in"),
        ("backoff_s = 60\nmax_backoff_s = 30", "push.max_backoff_s", "at least the first wait"),
        ("batch = 0", "push.batch", "integer in"),
        ("retries = 3", "push.retries", "unknown key"),
    ])
    func invalidValuesNameTheKey(line: String, key: String, message: String) {
        #expect {
            _ = try AcceptdConfiguration(toml: "[push]\n\(line)")
        } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.key == key && e.message.contains(message)
        }
    }
}
