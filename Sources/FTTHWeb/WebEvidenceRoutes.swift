import FTTHCore
import Foundation
import Hummingbird
import Logging

/// A crew's evidence for a port result: photos (checked by content, kept by hash), the phone's
/// position, the test ONT's serial — one bundle per test run, posted from the run page as
/// `multipart/form-data` (works without JavaScript) and served back only to signed-in people.
struct WebEvidenceRoutes: Sendable {
    let pages: WebPages
    let store: any WebStore
    let settings: WebSettings
    let now: @Sendable () -> Date

    var files: WebEvidenceFiles { WebEvidenceFiles(directory: settings.evidenceDirectory) }

    /// Registers on `people`, a group that already requires a crew or administrator session.
    func register(on people: RouterGroup<WebRequestContext>) {
        people.get("/runs/:id/evidence", use: evidencePage)
        people.post("/runs/:id/evidence", use: addEvidence)
        people.get("/evidence/:hash", use: photo)
    }

    /// The values the run page adds: its live view (`live`, ``WebLiveView``), its evidence
    /// bundle (`evidence`) and, once the test has ended, the form to add to it (`evidenceForm`).
    static func runPageValues(
        run: TestRun, store: any WebStore, settings: WebSettings, strings: [String: String]
    ) async throws -> [String: Any] {
        var values: [String: Any] = ["live": try await WebLiveView.values(run: run, store: store, strings: strings)]
        if let bundle = try await store.evidence(runID: run.id) { values["evidence"] = WebEvidenceView.bundle(bundle) }
        if !run.step.isActive { values["evidenceForm"] = formValues(run: run, settings: settings) }
        return values
    }

    /// The form's values; `entered` (a refused post's fields) are shown again, so nothing typed is lost.
    static func formValues(run: TestRun, settings: WebSettings, entered: WebUpload? = nil) -> [String: Any] {
        [
            "action": "/runs/\(run.id)/evidence",
            "serial": entered?["serial"] ?? run.serial?.text ?? run.port.onuSerial?.text ?? "",
            "latitude": entered?["latitude"] ?? "", "longitude": entered?["longitude"] ?? "",
            "accuracy": entered?["accuracy"] ?? "",
            "limit": WebEvidenceView.kibibytes(settings.maxUploadBytes), "limitBytes": settings.maxUploadBytes,
        ]
    }

    func language(_ context: WebRequestContext) -> WebLanguage { context.session?.account.language ?? .zh }

    @Sendable func evidencePage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let run = try await testRun(context) else { return try notFound(context) }
        return try await page(run: run, context: context, error: nil, status: .ok)
    }

    func testRun(_ context: WebRequestContext) async throws -> TestRun? {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { return nil }
        return try await store.testRun(id: id)
    }

    func notFound(_ context: WebRequestContext) throws -> Response {
        try pages.message(status: .notFound, heading: "not_found_title", text: "not_found_text", context: context)
    }

    /// The evidence page of a run: what is attached and the form, with `error` above it.
    func page(
        run: TestRun, context: WebRequestContext, error: String?, status: HTTPResponse.Status,
        entered: WebUpload? = nil
    ) async throws -> Response {
        var values: [String: Any] = [
            "id": run.id, "splitter": run.port.key.splitter, "port": run.port.key.port, "runHref": "/runs/\(run.id)",
            "evidenceForm": Self.formValues(run: run, settings: settings, entered: entered),
        ]
        if let bundle = try await store.evidence(runID: run.id) { values["evidence"] = WebEvidenceView.bundle(bundle) }
        if let error { values["evidenceError"] = error }
        return try pages.render(
            "evidence-page", title: "evidence_title", values: values, context: context, status: status)
    }

    @Sendable func addEvidence(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        do { try WebForm.checkOrigin(request) } catch {
            return try refuseCrossSite(error, request: request, context: context)
        }
        guard let run = try await testRun(context) else { return try notFound(context) }
        let language = language(context)
        let s = { (key: String) in pages.strings.string(key, language) }
        let who = context.session?.account.name ?? "?"
        func refuse(_ key: String, _ status: HTTPResponse.Status, why: String, entered: WebUpload? = nil)
            async throws -> Response
        {
            context.logger.warning(
                "web: refused evidence from \(who) for test run \(run.id) of \(run.port.key): \(why)",
                metadata: ["olt.id": "\(run.port.olt)", "port.id": "\(run.port.key)"])
            return try await page(run: run, context: context, error: s(key), status: status, entered: entered)
        }
        let upload: WebUpload
        do {
            upload = try await WebUpload.read(request, limit: settings.maxUploadBytes)
        } catch WebUpload.Refusal.tooLarge(let limit) {
            let text = s("evidence_too_large").replacingOccurrences(
                of: "{limit}", with: WebEvidenceView.kibibytes(limit))
            context.logger.warning(
                "web: refused evidence from \(who) for test run \(run.id) of \(run.port.key): larger than [web] max_upload_bytes = \(limit)",
                metadata: ["olt.id": "\(run.port.olt)", "port.id": "\(run.port.key)"])
            return try await page(run: run, context: context, error: text, status: .contentTooLarge)
        } catch WebUpload.Refusal.malformed(let why) {
            return try await refuse("evidence_malformed", .badRequest, why: why)
        }
        guard let sent = upload["csrf"], let session = context.session,
            WebForm.constantTimeEqual(sent, session.csrfToken)
        else {
            return try refuseCrossSite(
                WebForm.Refusal.crossSite("the form's csrf token is missing or not this session's"), request: request,
                context: context)
        }
        // Every check before anything is written: a refused post leaves no file and no row.
        var photos: [(part: WebUpload.Part, type: EvidenceMediaType)] = []
        for part in upload.files where part.name == "photo" {
            do {
                photos.append((part, try EvidenceMediaType.identify(part.body)))
            } catch {
                return try await refuse(
                    "evidence_refused_\(error.code)", error == .empty ? .badRequest : .unsupportedMediaType,
                    why:
                        "\(Self.loggable(part.filename ?? "a file")) (\(part.body.count) bytes, sent as \(Self.loggable(part.contentType ?? "no type"))): \(error)",
                    entered: upload)
            }
        }
        let position: GeoPosition?
        do {
            position = try GeoPosition.parse(
                latitude: upload["latitude"] ?? "", longitude: upload["longitude"] ?? "",
                accuracy: upload["accuracy"] ?? "")
        } catch {
            return try await refuse("evidence_position_invalid", .badRequest, why: "\(error)", entered: upload)
        }
        var serial: ONUSerial?
        let typed = (upload["serial"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        if !typed.isEmpty {
            guard let parsed = ONUSerial(typed) else {
                return try await refuse(
                    "serial_invalid", .badRequest, why: "the serial \(Self.loggable(typed)) is not an ONT serial",
                    entered: upload)
            }
            serial = parsed
        }
        guard !photos.isEmpty || position != nil || serial != nil else {
            return try await refuse(
                "evidence_nothing", .badRequest, why: "the post carried no photo, position or serial")
        }
        var kept: [NewEvidencePhoto] = []
        for photo in photos {
            let hash: String
            do { hash = try files.keep(photo.part.body) } catch {
                context.logger.error(
                    "web: cannot keep an evidence photo for test run \(run.id) of \(run.port.key): \(error)",
                    metadata: ["olt.id": "\(run.port.olt)", "port.id": "\(run.port.key)"])
                return try await page(
                    run: run, context: context, error: s("evidence_not_kept"), status: .internalServerError)
            }
            kept.append(NewEvidencePhoto(sha256: hash, mediaType: photo.type, byteCount: photo.part.body.count))
        }
        let bundle = try await store.addEvidence(
            runID: run.id, photos: kept, position: position, serial: serial, by: who, at: now())
        context.logger.notice(
            "web: \(who) added evidence to test run \(run.id) of \(run.port.key): \(kept.count) photo(s)\(position == nil ? "" : ", a position")\(serial == nil ? "" : ", serial \(serial!.text)"); the bundle has \(bundle.photos.count) photo(s)",
            metadata: ["olt.id": "\(run.port.olt)", "port.id": "\(run.port.key)"])
        return WebPages.redirect("/runs/\(run.id)#evidence")
    }

    /// What a person typed or a browser sent, fit for one log line: no control characters (a
    /// newline would forge a line), at most 80 characters.
    static func loggable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
                .prefix(80))
    }

    func refuseCrossSite(_ error: any Error, request: Request, context: WebRequestContext) throws -> Response {
        context.logger.warning(
            "web: refused \(request.method) \(request.uri.path) as cross-site: \(error)",
            metadata: ["http.peer": "\(context.remoteAddress ?? "unknown")"])
        return try pages.message(status: .forbidden, heading: "csrf_title", text: "csrf_text", context: context)
    }

    /// A photo by its hash, with the type it was stored with; only photos some bundle holds.
    @Sendable func photo(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let hash = context.parameters.get("hash"), EvidencePhoto.isContentHash(hash),
            let type = try await store.evidencePhotoType(sha256: hash)
        else { return try notFound(context) }
        guard let data = files.read(sha256: hash) else {
            context.logger.error(
                "web: evidence photo \(hash) is in the store but not in \(files.directory.path); restore the directory from a backup"
            )
            return try notFound(context)
        }
        // Named by content, so it never changes: the browser may keep it, privately.
        return Response(
            status: .ok,
            headers: [
                .contentType: type.rawValue, .cacheControl: "private, max-age=86400, immutable",
                .contentDisposition: "inline",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
