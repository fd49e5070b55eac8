import FTTHCore
import Foundation
import Hummingbird
import Mustache

/// The templates and words of the web pages, and how a page becomes a response: every value is
/// escaped by the template engine (`{{…}}`); templates hold no words of their own.
public struct WebPages: Sendable {
    let library: MustacheLibrary
    let strings: WebStrings
    /// The stylesheet and the live-progress script, served from memory.
    let files: [String: (type: String, body: ByteBuffer)]

    /// Loads the templates, strings and static files from the module's resources.
    public static func load() async throws -> WebPages {
        guard let templates = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources")
        else { throw WebResourceError(name: "templates") }
        let library = try await MustacheLibrary(directory: templates.path)
        var files: [String: (type: String, body: ByteBuffer)] = [:]
        let js = "text/javascript; charset=utf-8"
        for (name, type) in [
            ("site.css", "text/css; charset=utf-8"), ("live.js", js), ("evidence.js", js), ("scan.js", js),
        ] {
            let base = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources/static")
            else { throw WebResourceError(name: "static/\(name)") }
            files[name] = (type, ByteBuffer(bytes: try Data(contentsOf: url)))
        }
        return WebPages(library: library, strings: try WebStrings.load(), files: files)
    }

    /// Renders template `name` for the context's person (or in Chinese before sign-in) with
    /// `values`, the common ones (`t`, `lang`, `user`, `csrf`) added.
    func render(
        _ name: String, title: String, values: [String: Any], context: WebRequestContext,
        status: HTTPResponse.Status = .ok, language: WebLanguage? = nil
    ) throws -> Response {
        let html = try html(name, title: title, values: values, context: context, language: language)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Template `name` rendered as ``render(_:title:values:context:status:language:)`` does, as
    /// text: also the pieces of a page that streams (``WebImportRoutes/save(_:_:)``).
    func html(
        _ name: String, title: String, values: [String: Any], context: WebRequestContext,
        language: WebLanguage? = nil
    ) throws -> String {
        let language = language ?? context.session?.account.language ?? .zh
        let t = strings.strings(language)
        var all = values
        all["t"] = t
        all["lang"] = language == .zh ? "zh-CN" : "en"
        all["title"] = t[title] ?? title
        if let session = context.session {
            all["user"] = session.account.name
            all["csrf"] = session.csrfToken
            all["isAdmin"] = session.account.role == .admin
        }
        guard let html = library.render(all, withTemplate: name) else {
            throw WebResourceError(name: "templates/\(name).mustache")
        }
        return html
    }

    /// A page with a heading and a sentence, both string keys.
    func message(
        status: HTTPResponse.Status, heading: String, text: String, context: WebRequestContext
    ) throws -> Response {
        let language = context.session?.account.language ?? .zh
        return try render(
            "message", title: heading,
            values: ["heading": strings.string(heading, language), "text": strings.string(text, language)],
            context: context, status: status)
    }

    /// 303 See Other to `location`: what a form post answers, so reloading does not post again.
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// `text` percent-encoded as one path segment (splitter labels have spaces and CJK).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
