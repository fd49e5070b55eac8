/// The metrics as a scraper reads them: what the API's `GET /metrics` serves, without the API
/// knowing which library keeps them (FTTHPrometheus provides the daemon's).
public protocol MetricsExposition: Sendable {
    /// The response's `Content-Type`.
    var contentType: String { get }
    /// Every series now, in the format `contentType` names.
    func exposition() -> [UInt8]
}
