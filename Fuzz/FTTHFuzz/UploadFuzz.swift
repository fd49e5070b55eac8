@testable import FTTHCore
@testable import FTTHWeb

/// A crew's evidence post: the `multipart/form-data` parser (``WebUpload``) and the photo checker
/// (``EvidenceMediaType/identify(_:)``) on every file part and on the raw bytes. A bad body must
/// throw ``WebUpload/Refusal``, a bad photo ``EvidenceMediaType/Refusal``, never trap; an
/// accepted photo must start with its type's first bytes and hold no markup.
enum UploadFuzz {
    static let boundary = "ftthFuzzBoundary"

    static let target = FuzzTarget(
        name: "upload", summary: "the web pages' multipart parser and evidence photo checker", run: run, seeds: seeds)

    static func run(_ bytes: [UInt8]) {
        check(bytes)
        guard let parts = try? WebUpload.parse(bytes, boundary: boundary) else { return }
        for part in parts {
            _ = part.text
            if part.filename != nil { check(Array(part.body)) }
        }
    }

    static func check(_ bytes: [UInt8]) {
        guard let type = try? EvidenceMediaType.identify(bytes) else { return }
        let magic: [UInt8] =
            switch type {
            case .jpeg: [0xFF, 0xD8, 0xFF]
            case .png: [0x89, 0x50, 0x4E, 0x47]
            case .webp: Array("RIFF".utf8)
            case .heic: []
            }
        guard bytes.starts(with: magic), !EvidenceMediaType.containsMarkup(bytes) else {
            fatalError("accepted as \(type) without its first bytes, or with markup inside")
        }
    }

    static func seeds(_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] {
        let jpeg: [UInt8] =
            [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)
        func body(_ files: [(String, [UInt8])]) -> [UInt8] {
            var out = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n".utf8)
            for (name, bytes) in files {
                out +=
                    Array(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\(name)\"\r\nContent-Type: image/jpeg\r\n\r\n"
                            .utf8) + bytes + Array("\r\n".utf8)
            }
            return out + Array("--\(boundary)--\r\n".utf8)
        }
        return [
            ("jpeg", body([("a.jpg", jpeg)])), ("png-and-svg", body([("b.jpg", png), ("c \\\"x\\\".svg", svg)])),
            ("raw-jpeg", jpeg),
        ]
    }
}
