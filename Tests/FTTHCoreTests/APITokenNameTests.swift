import FTTHCore
import Testing

/// The rule of token names, which ftthctl and the administrator's page both apply: a name is the
/// actor of audit records and log lines, so it is plain ASCII without spaces or markup.
@Suite struct APITokenNameTests {
    @Test(arguments: [
        "inventory", "probe-north", "crew_2", "ops@example.net", "a.b", String(repeating: "x", count: 64),
    ])
    func aPlainNameIsAccepted(_ name: String) {
        #expect(APIToken.isValidName(name))
    }

    @Test(arguments: [
        "", "probe north", "<script>", "名字", "tab\tname", "semi;colon", "new\nline", String(repeating: "x", count: 65),
    ])
    func anythingElseIsRefused(_ name: String) {
        #expect(!APIToken.isValidName(name))
    }
}
