/// How the web pages treat sessions and sign-in codes.
public struct WebSettings: Sendable, Hashable {
    /// How long a session lasts from sign-in: a crew's working day.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// How long a one-time sign-in code stays usable after an administrator issued it.
    public var signInCodeLifetime: Duration = .seconds(15 * 60)
    /// Whether cookies are marked `Secure` (the daemon serves HTTPS).
    public var secureCookies: Bool
    /// The bcrypt cost of new password hashes.
    public var bcryptCost: UInt8 = 12
    /// Failed sign-ins a source address may make within ``authFailureWindow`` before it is
    /// answered 429 (`[api] auth_failure_limit`, shared with the API's tokens).
    public var authFailureLimit = 10
    public var authFailureWindow: Duration = .seconds(60)
    /// How often the live view's event stream sends a comment while nothing happens.
    public var heartbeat: Duration = .seconds(15)
    /// The largest evidence post, in bytes (`[web] max_upload_bytes`): refused with 413 beyond it.
    public var maxUploadBytes = 10 * 1024 * 1024
    /// Where evidence photos are kept by content hash (`[web] evidence_dir`).
    public var evidenceDirectory = "var/evidence"

    /// Settings for a daemon serving HTTPS (`secureCookies`) or plain HTTP.
    public init(secureCookies: Bool) {
        self.secureCookies = secureCookies
    }
}
