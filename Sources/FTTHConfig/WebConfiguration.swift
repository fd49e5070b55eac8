/// `[web]` in ftth-acceptd.toml: what the web pages accept from crews' phones.
public struct WebConfiguration: Sendable, Hashable {
    /// The largest body of one evidence post (its photos together), in bytes; a larger upload
    /// is refused with 413 as it arrives. 10 MiB holds two or three phone photos.
    public var maxUploadBytes = 10 * 1024 * 1024
    /// Where evidence photos are kept, each named by its SHA-256; nil: `evidence/` beside the
    /// store, in the daemon's state directory.
    public var evidenceDirectory: String?

    public init() {}

    /// The evidence directory for a store at `storePath`: ``evidenceDirectory`` or `evidence/`
    /// beside the store file.
    public func evidenceDirectory(storePath: String) -> String {
        if let evidenceDirectory { return evidenceDirectory }
        guard let slash = storePath.lastIndex(of: "/") else { return "evidence" }
        return String(storePath[...slash]) + "evidence"
    }

    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["max_upload_bytes", "evidence_dir"])
        maxUploadBytes = try r.int("max_upload_bytes", default: maxUploadBytes, range: 65_536...(1 << 30))
        let directory = try r.string("evidence_dir", default: "")
        evidenceDirectory = directory.isEmpty ? nil : directory
    }
}
