import FTTHCore
import Foundation
import Hummingbird

/// A posted `application/x-www-form-urlencoded` form, checked against cross-site requests.
struct WebForm {
    let fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// Why a post was refused as cross-site.
    enum Refusal: Error { case crossSite(String) }

    /// Reads the form of `request`. A post whose `Origin` is not this host is refused; with a
    /// session, the form's `csrf` must be the session's synchronizer token.
    static func read(_ request: Request, context: WebRequestContext) async throws -> WebForm {
        try checkOrigin(request)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let form = WebForm(fields: parse(String(buffer: body)))
        if let session = context.session {
            guard let sent = form["csrf"], constantTimeEqual(sent, session.csrfToken) else {
                throw Refusal.crossSite("the form's csrf token is missing or not this session's")
            }
        }
        return form
    }

    /// Refuses a post whose `Origin` is not this host (a form of another site).
    static func checkOrigin(_ request: Request) throws {
        if let origin = request.headers[.origin], let host = request.head.authority {
            let originHost = URL(string: origin).map { url in
                [url.host ?? "", url.port.map { ":\($0)" } ?? ""].joined()
            }
            guard originHost == host else { throw Refusal.crossSite("Origin \(origin) is not \(host)") }
        }
    }

    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
