import FTTHCore
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTTHWeb

/// Small files with the first bytes of each type, made here: the checker reads content only.
enum Sample {
    static let jpeg: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        + Array(repeating: 0x11, count: 64) + [0xFF, 0xD9]
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE] + Array(repeating: 0x22, count: 32)
    static let webp: [UInt8] =
        Array("RIFF".utf8) + [40, 0, 0, 0] + Array("WEBPVP8 ".utf8) + Array(repeating: 0x33, count: 32)
    static let heic: [UInt8] =
        [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)
        + Array(repeating: 0x44, count: 32)
    /// Generic HEIF major brand with an HEVC brand among the compatible ones (some Android phones).
    static let heif: [UInt8] =
        [0, 0, 0, 28] + Array("ftypmif1".utf8) + [0, 0, 0, 0] + Array("mif1miafheic".utf8)
        + Array(repeating: 0x44, count: 32)
    static let avif: [UInt8] = [0, 0, 0, 28] + Array("ftypavif".utf8) + [0, 0, 0, 0] + Array("avifmif1miaf".utf8)
    static let svg = Array(
        #"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.utf8)
    static let bareSVG = Array("  \n<svg onload=alert(1)></svg>".utf8)
    static let html = Array("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".utf8)
    static let gif = Array("GIF89a".utf8) + Array(repeating: 0, count: 32)
    /// A JPEG whose comment segment holds a page: a browser sniffing it would run the script.
    static let polyglot: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x30] + Array("<HTML><SCRIPT>alert(1)</SCRIPT>".utf8)
        + [0xFF, 0xD9]
}

@Suite("Evidence: the upload checker")
struct EvidenceMediaTypeTests {
    @Test(arguments: [
        (Sample.jpeg, EvidenceMediaType.jpeg), (Sample.png, .png), (Sample.webp, .webp), (Sample.heic, .heic),
        (Sample.heif, .heic),
    ])
    func eachAllowedTypeIsKnownByItsFirstBytes(bytes: [UInt8], type: EvidenceMediaType) throws {
        #expect(try EvidenceMediaType.identify(bytes) == type)
    }

    @Test func markupOtherTypesEmptyAndPolyglotsAreRefused() {
        #expect(throws: EvidenceMediaType.Refusal.markup) { try EvidenceMediaType.identify(Sample.svg) }
        #expect(throws: EvidenceMediaType.Refusal.markup) { try EvidenceMediaType.identify(Sample.bareSVG) }
        #expect(throws: EvidenceMediaType.Refusal.markup) { try EvidenceMediaType.identify(Sample.html) }
        #expect(throws: EvidenceMediaType.Refusal.unknownType) { try EvidenceMediaType.identify(Sample.gif) }
        #expect(throws: EvidenceMediaType.Refusal.unknownType) { try EvidenceMediaType.identify(Sample.avif) }
        #expect(throws: EvidenceMediaType.Refusal.unknownType) { try EvidenceMediaType.identify(Sample.png.prefix(8)) }
        #expect(throws: EvidenceMediaType.Refusal.empty) { try EvidenceMediaType.identify([UInt8]()) }
        #expect(throws: EvidenceMediaType.Refusal.polyglot(.jpeg)) { try EvidenceMediaType.identify(Sample.polyglot) }
    }
}

@Suite("Evidence: multipart/form-data")
struct WebUploadTests {
    @Test func partsWithQuotedNamesAndAPreambleAreRead() throws {
        let body =
            Array(
                "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a \\\"b\\\"; c.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                    .utf8) + Sample.jpeg + Array("\r\n--XyZ--\r\n".utf8)
        let parts = try WebUpload.parse(body, boundary: "XyZ")
        #expect(parts.count == 2)
        #expect(parts[0].name == "csrf" && parts[0].text == "tok" && parts[0].filename == nil)
        #expect(parts[1].filename == "a \"b\"; c.jpg")
        #expect(Array(parts[1].body) == Sample.jpeg)
        #expect(WebUpload.boundary("multipart/form-data; boundary=\"XyZ\"") == "XyZ")
        #expect(WebUpload.boundary("application/x-www-form-urlencoded") == nil)
    }

    @Test func brokenFramingIsRefused() {
        #expect(throws: WebUpload.Refusal.self) {
            try WebUpload.parse(
                Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8), boundary: "XyZ")
        }
        #expect(throws: WebUpload.Refusal.self) { try WebUpload.parse(Array("nothing here".utf8), boundary: "XyZ") }
        #expect(throws: WebUpload.Refusal.self) {
            try WebUpload.parse(Array("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--".utf8), boundary: "XyZ")
        }
    }
}

/// A multipart body as a browser sends it.
struct Multipart {
    static let boundary = "----ftthTestBoundary7MA4YWxkTrZu0gW"
    var fields: [(String, String)] = []
    var files: [(name: String, filename: String, type: String, bytes: [UInt8])] = []

    var body: [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            out += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            out += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n"
                    .utf8)
            out += file.bytes + Array("\r\n".utf8)
        }
        return out + Array("--\(Self.boundary)--\r\n".utf8)
    }
}

extension WebFixture {
    /// A port test of P1 / SP-A / `port` that has ended with a passing line result.
    func finishedRun(port: Int = 1) async throws -> TestRun {
        let key = PortKey(projectCode: "P1", splitter: "SP-A", port: port)
        let run = try await store.beginTestRun(
            key, serial: ONUSerial("HWTC7E570009"), profile: .build,
            configuredRanges: [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3009)!)], at: t0)
        _ = try await store.advanceTestRun(run.id, to: .awaitingOnline, onuID: port, attempt: 0, outcome: nil, at: t0)
        _ = try await store.advanceTestRun(run.id, to: .reading, onuID: port, attempt: 0, outcome: nil, at: t0)
        let readings = OpticalReadings(
            oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-17.5)))
        let verdict = ThresholdProfile.build.evaluate(readings)
        return try await store.finishTestRun(run.id, readings: readings, verdict: verdict, outcome: "pass", at: t0)
    }

    func postMultipart(
        _ uri: String, _ form: Multipart, session: String?, extraHeaders: HTTPFields = [:], contentLength: Bool = true
    ) async throws -> TestResponse {
        var fields = extraHeaders
        fields[.contentType] = "multipart/form-data; boundary=\(Multipart.boundary)"
        if let session { fields[.cookie] = "ftth_session=\(session)" }
        let body = form.body
        if contentLength { fields[.contentLength] = "\(body.count)" }
        let headers = fields
        return try await application().test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        }
    }

    /// Every photo file kept under the evidence directory.
    func evidenceFiles() -> [String] {
        let root = directory.appendingPathComponent("evidence").path
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { EvidencePhoto.isContentHash(($0 as NSString).lastPathComponent) }
    }
}

@Suite("Evidence: attaching, keeping by hash, serving")
struct WebEvidenceTests {
    @Test func aCrewMemberAttachesAPhotoPositionAndSerialShownOnTheVerdictPage() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let before = try await f.get("/runs/\(run.id)", session: crew).text
        #expect(before.contains(#"enctype="multipart/form-data""#))
        #expect(before.contains(#"accept="image/*" capture="environment" multiple"#))
        #expect(before.contains(#"<label for="evidence-photo">"#))
        let csrf = try await f.csrf(crew)
        var form = Multipart()
        form.fields = [
            ("csrf", csrf), ("latitude", "31.2304"), ("longitude", "121.4737"), ("accuracy", "12"),
            ("serial", "hwtc7e570103"),
        ]
        form.files = [("photo", "port.jpg", "image/jpeg", Sample.jpeg)]
        let posted = try await f.postMultipart("/runs/\(run.id)/evidence", form, session: crew)
        #expect(posted.status == .seeOther)
        #expect(posted.headers[.location] == "/runs/\(run.id)#evidence")
        let bundle = try #require(try await f.store.evidence(runID: run.id))
        #expect(bundle.photos.map(\.mediaType) == [.jpeg])
        #expect(bundle.photos.first?.addedBy == "wang")
        #expect(bundle.position?.accuracyMeters == 12)
        #expect(bundle.serial == ONUSerial("HWTC7E570103"))
        let hash = WebEvidenceFiles.sha256Hex(Sample.jpeg)
        #expect(bundle.photos.first?.sha256 == hash)
        let page = try await f.get("/runs/\(run.id)", session: crew).text
        #expect(page.contains(#"<img src="/evidence/\#(hash)""#))
        #expect(page.contains("31.230400, 121.473700 (±12 m)"))
        #expect(page.contains("HWTC7E570103"))
        #expect(page.contains("现场证据"))
        // The administrator's port page can list it: the read function other pages use.
        let listed = try await WebEvidenceView.bundles(port: run.port.key, store: f.store)
        let listedBundle = try #require(listed.first?["evidence"] as? [String: Any])
        #expect(listed.count == 1 && (listedBundle["photos"] as? [[String: Any]])?.count == 1)
        var partialValues = listedBundle
        partialValues["t"] = f.pages.strings.strings(.en)
        let partial = try #require(f.pages.library.render(["evidence": partialValues], withTemplate: "evidence-bundle"))
        #expect(partial.contains(#"<img src="/evidence/\#(hash)""#) && partial.contains("Evidence"))
    }

    @Test func photosAreServedWithTheirStoredTypeNosniffAndOnlyToSignedInPeople() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        var form = Multipart()
        form.fields = [("csrf", try await f.csrf(crew))]
        // A name and a claimed type that lie: the content is PNG, so it is kept and served as PNG.
        form.files = [("photo", "evidence.jpg", "image/jpeg", Sample.png)]
        #expect(try await f.postMultipart("/runs/\(run.id)/evidence", form, session: crew).status == .seeOther)
        let hash = WebEvidenceFiles.sha256Hex(Sample.png)
        #expect(try await f.store.evidencePhotoType(sha256: hash) == .png)
        let served = try await f.get("/evidence/\(hash)", session: crew)
        #expect(served.status == .ok)
        #expect(served.headers[.contentType] == "image/png")
        #expect(served.headers[.xContentTypeOptions] == "nosniff")
        #expect(Array(served.body.readableBytesView) == Sample.png)
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        #expect(try await f.get("/evidence/\(hash)", session: admin).status == .ok)
        let anonymous = try await f.get("/evidence/\(hash)")
        #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/sign-in")
        // A hash no bundle holds, and names that are not hashes, are not served.
        #expect(try await f.get("/evidence/\(String(repeating: "a", count: 64))", session: crew).status == .notFound)
        #expect(try await f.get("/evidence/..%2F..%2Fstore.sqlite", session: crew).status == .notFound)
        #expect(try await f.get("/evidence/\(hash.uppercased())", session: crew).status == .notFound)
    }

    @Test func theSamePhotoTwiceIsOneFile() async throws {
        let f = try await WebFixture()
        let first = try await f.finishedRun(port: 1)
        let second = try await f.finishedRun(port: 2)
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        var form = Multipart()
        form.fields = [("csrf", try await f.csrf(crew))]
        form.files = [("photo", "a.jpg", "image/jpeg", Sample.jpeg), ("photo", "b.jpg", "image/jpeg", Sample.jpeg)]
        for run in [first, second, first] {
            #expect(try await f.postMultipart("/runs/\(run.id)/evidence", form, session: crew).status == .seeOther)
        }
        #expect(f.evidenceFiles().count == 1)
        #expect(try await f.store.evidence(runID: first.id)?.photos.count == 1)
        #expect(try await f.store.evidence(runID: second.id)?.photos.count == 1)
    }

    @Test func badUploadsAreRefusedWithAMessageInThePersonsLanguageAndLeaveNothing() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        for (session, svgMessage) in [
            (crew, "不是照片"), (admin, "not a photo"),
        ] {
            var form = Multipart()
            form.fields = [("csrf", try await f.csrf(session))]
            form.fields.append(("serial", "HWTC7E570777"))
            form.files = [("photo", "photo.jpg", "image/jpeg", Sample.svg)]
            let svg = try await f.postMultipart("/runs/\(run.id)/evidence", form, session: session)
            #expect(svg.status == .unsupportedMediaType)
            #expect(svg.text.contains(svgMessage))
            #expect(svg.text.contains(#"role="alert""#))
            #expect(svg.text.contains(#"value="HWTC7E570777""#), "what was typed is kept")
        }
        let cases: [([UInt8], HTTPResponse.Status, String)] = [
            (Sample.html, .unsupportedMediaType, "不是照片"), (Sample.polyglot, .unsupportedMediaType, "网页代码"),
            (Sample.gif, .unsupportedMediaType, "请用相机拍照"), ([], .badRequest, "是空的"),
        ]
        for (bytes, status, message) in cases {
            var form = Multipart()
            form.fields = [("csrf", try await f.csrf(crew))]
            form.files = [("photo", "x.png", "image/png", bytes)]
            // An empty file input sends an empty filename; a named empty file is refused.
            let response = try await f.postMultipart("/runs/\(run.id)/evidence", form, session: crew)
            #expect(response.status == status, "\(message)")
            #expect(response.text.contains(message))
        }
        // A good photo with a bad one: nothing of the post is kept.
        var mixed = Multipart()
        mixed.fields = [("csrf", try await f.csrf(crew)), ("serial", "HWTC7E570103")]
        mixed.files = [("photo", "a.jpg", "image/jpeg", Sample.jpeg), ("photo", "b.svg", "image/svg+xml", Sample.svg)]
        #expect(
            try await f.postMultipart("/runs/\(run.id)/evidence", mixed, session: crew).status == .unsupportedMediaType)
        var position = Multipart()
        position.fields = [("csrf", try await f.csrf(crew)), ("latitude", "91"), ("longitude", "121")]
        let badPosition = try await f.postMultipart("/runs/\(run.id)/evidence", position, session: crew)
        #expect(badPosition.status == .badRequest && badPosition.text.contains("纬度 -90 到 90"))
        #expect(badPosition.text.contains(#"name="latitude" inputmode="decimal" autocomplete="off" value="91""#))
        var nothing = Multipart()
        nothing.fields = [("csrf", try await f.csrf(crew))]
        nothing.files = [("photo", "", "application/octet-stream", [])]
        #expect(try await f.postMultipart("/runs/\(run.id)/evidence", nothing, session: crew).status == .badRequest)
        #expect(f.evidenceFiles().isEmpty)
        #expect(try await f.store.evidence(runID: run.id) == nil)
    }

    @Test func anOversizedUploadIsRefusedWith413ByLengthAndWhileStreaming() async throws {
        let f = try await WebFixture(maxUploadBytes: 64 * 1024)
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        var form = Multipart()
        form.fields = [("csrf", try await f.csrf(crew))]
        form.files = [("photo", "big.jpg", "image/jpeg", Sample.jpeg + Array(repeating: 0x55, count: 70 * 1024))]
        for declared in [true, false] {
            let response = try await f.postMultipart(
                "/runs/\(run.id)/evidence", form, session: crew, contentLength: declared)
            #expect(response.status == .contentTooLarge, "Content-Length sent: \(declared)")
            #expect(response.text.contains("照片太大：一次最多 64 KiB"))
        }
        #expect(f.evidenceFiles().isEmpty)
    }

    @Test func whatIsLoggedOfAFileNameHasNoControlCharactersAndIsShort() {
        #expect(WebEvidenceRoutes.loggable("a\nweb: forged line\r.jpg") == "aweb: forged line.jpg")
        #expect(WebEvidenceRoutes.loggable(String(repeating: "x", count: 500)).count == 80)
    }

    @Test func aPostWithoutTheSessionsTokenOrFromAnotherSiteIsRefused() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        var form = Multipart()
        form.fields = [("csrf", "not-the-token")]
        form.files = [("photo", "a.jpg", "image/jpeg", Sample.jpeg)]
        #expect(try await f.postMultipart("/runs/\(run.id)/evidence", form, session: crew).status == .forbidden)
        form.fields = [("csrf", try await f.csrf(crew))]
        let crossSite = try await f.postMultipart(
            "/runs/\(run.id)/evidence", form, session: crew, extraHeaders: [.origin: "https://evil.example"])
        #expect(crossSite.status == .forbidden)
        let anonymous = try await f.postMultipart("/runs/\(run.id)/evidence", form, session: nil)
        #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/sign-in")
        #expect(try await f.postMultipart("/runs/999/evidence", form, session: crew).status == .notFound)
        #expect(f.evidenceFiles().isEmpty)
    }

    @Test func evidenceOfAnUnknownRunIsRefusedByTheStoreAndAddsUpInOneBundle() async throws {
        let f = try await WebFixture()
        await #expect(throws: StoreError.self) {
            try await f.store.addEvidence(runID: 42, photos: [], position: nil, serial: nil, by: "wang", at: t0)
        }
        let run = try await f.finishedRun()
        let hash = WebEvidenceFiles.sha256Hex(Sample.jpeg)
        let photo = NewEvidencePhoto(sha256: hash, mediaType: .jpeg, byteCount: Sample.jpeg.count)
        let position = try GeoPosition(latitude: 31.2, longitude: 121.4, accuracyMeters: 8)
        try await f.store.addEvidence(
            runID: run.id, photos: [photo], position: position, serial: nil, by: "wang", at: t0)
        let later = t0.addingTimeInterval(60)
        let bundle = try await f.store.addEvidence(
            runID: run.id, photos: [photo], position: nil, serial: ONUSerial("HWTC7E570103"), by: "li", at: later)
        #expect(bundle.photos.count == 1)
        #expect(bundle.position == position && bundle.positionAt == t0)
        #expect(bundle.serial == ONUSerial("HWTC7E570103"))
        #expect(bundle.createdBy == "wang" && bundle.updatedBy == "li" && bundle.updatedAt == later)
        #expect(try await f.store.evidence(port: run.port.key).map(\.runID) == [run.id])
    }

    @Test func theLiveViewHasARowPerPowerAndAttenuationAndTheServiceRowsWhileATestRuns() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let active = try await f.engine.start(PortKey(projectCode: "P1", splitter: "SP-A", port: 2), profile: "build")
        let live = try await f.get("/runs/\(active.id)", session: crew).text
        for key in ["olt_tx", "olt_rx", "onu_tx", "onu_rx", "down_att", "up_att"] {
            #expect(live.contains(#"<div id="live-\#(key)" class="live-pending">"#), "\(key)")
        }
        #expect(live.contains("由 OLT 测量") && live.contains("由光猫测量") && live.contains("等待中"))
        #expect(live.contains(#"id="live-service""#) && live.contains(#"id="live-padi_pado""#))
        #expect(live.contains(#"id="live-down""#) && live.contains("/static/live.js"))
        #expect(!live.contains(#"id="evidence-form""#), "evidence is attached once the test has ended")
        // Ended without a service test: the verdict's readings, no live rows, no service section.
        let ended = try await f.finishedRun()
        let page = try await f.get("/runs/\(ended.id)", session: crew).text
        #expect(!page.contains(#"id="live-onu_rx""#) && !page.contains(#"id="live-service""#))
    }

    @Test func theEvidencePageShowsTheFormAndTheScanControlIsOnTheProjectPage() async throws {
        let f = try await WebFixture()
        let run = try await f.finishedRun()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let page = try await f.get("/runs/\(run.id)/evidence", session: crew)
        #expect(page.status == .ok && page.text.contains(#"id="evidence-form""#))
        #expect(page.text.contains("/static/evidence.js"))
        let project = try await f.get("/projects/P1", session: crew).text
        #expect(project.contains(#"id="scan""#) && project.contains("/static/scan.js"))
        for file in ["evidence.js", "scan.js"] {
            let r = try await f.get("/static/\(file)")
            #expect(r.status == .ok && r.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
    }
}
