import CZlib
import Foundation

/// The members of an uploaded ZIP archive (an `.xlsx`), read by our own small reader, every
/// offset and size checked against the bytes there are, and inflated by zlib with a bound on
/// what comes out. ZIPFoundation, which writes the reports, is not used to read uploads: its
/// in-memory archive traps on a directory pointing past the end, and its inflate loop never ends
/// on a stream that stops short (both found by the xlsx fuzz target). Stored and deflated members
/// only, no ZIP64 and no encryption: what spreadsheet programs write for sheets of this size.
struct ZIPParts {
    struct Member {
        var method: UInt16
        var flags: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    /// The members by their path in the archive (the first of two with one name).
    private(set) var members: [String: Member] = [:]

    init(_ data: Data) throws {
        bytes = [UInt8](data)
        let end = try Self.endOfCentralDirectory(bytes)
        let count = Int(bytes.u16(end + 10))
        let directorySize = Int(bytes.u32(end + 12))
        let directoryOffset = Int(bytes.u32(end + 16))
        guard count != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else {
            throw XLSXError.unreadable("it is a ZIP64 archive, which is not read; save it again as .xlsx")
        }
        guard directoryOffset + directorySize <= end else {
            throw XLSXError.unreadable("its ZIP directory lies outside the file (damaged or cut short)")
        }
        var at = directoryOffset
        for _ in 0..<count {
            guard at + 46 <= end, bytes.u32(at) == 0x0201_4B50 else {
                throw XLSXError.unreadable("its ZIP directory is damaged")
            }
            let nameLength = Int(bytes.u16(at + 28))
            let extraLength = Int(bytes.u16(at + 30))
            let commentLength = Int(bytes.u16(at + 32))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= end else { throw XLSXError.unreadable("its ZIP directory is damaged") }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let member = Member(
                method: bytes.u16(at + 10), flags: bytes.u16(at + 8), compressedSize: Int(bytes.u32(at + 20)),
                uncompressedSize: Int(bytes.u32(at + 24)), localHeaderOffset: Int(bytes.u32(at + 42)))
            if members[name] == nil { members[name] = member }
            at = next
        }
    }

    /// The end-of-central-directory record: its signature, searched back from the end over the
    /// longest comment a ZIP may carry.
    static func endOfCentralDirectory(_ bytes: [UInt8]) throws -> Int {
        guard bytes.count >= 22 else { throw XLSXError.unreadable("it is not a ZIP archive") }
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while at >= lowest {
            if bytes.u32(at) == 0x0605_4B50 { return at }
            at -= 1
        }
        throw XLSXError.unreadable("it is not a ZIP archive")
    }

    /// The unpacked bytes of member `path`, nil when there is none; more than `limit` bytes is
    /// ``XLSXError/tooLarge(part:limit:)``.
    func contents(of path: String, limit: Int) throws -> Data? {
        guard let member = members[path] else { return nil }
        guard member.flags & 0x1 == 0 else { throw XLSXError.unreadable("\(path) is encrypted") }
        let header = member.localHeaderOffset
        guard header + 30 <= bytes.count, bytes.u32(header) == 0x0403_4B50 else {
            throw XLSXError.unreadable("\(path) does not unpack (its local header is missing)")
        }
        let start = header + 30 + Int(bytes.u16(header + 26)) + Int(bytes.u16(header + 28))
        guard start + member.compressedSize <= bytes.count else {
            throw XLSXError.unreadable("\(path) does not unpack (it runs past the end of the file)")
        }
        let packed = bytes[start..<(start + member.compressedSize)]
        switch member.method {
        case 0:
            guard packed.count <= limit else { throw XLSXError.tooLarge(part: path, limit: limit) }
            return Data(packed)
        case 8:
            return try Self.inflate(Array(packed), path: path, limit: limit)
        default:
            throw XLSXError.unreadable("\(path) uses compression method \(member.method), which is not read")
        }
    }

    /// Raw deflate (no zlib header) to the end of the stream; a stream that stops short or is
    /// damaged is an error, and output past `limit` stops it.
    static func inflate(_ input: [UInt8], path: String, limit: Int) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw XLSXError.unreadable("\(path) does not unpack (zlib would not start)")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        return try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let (result, produced) = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (result, target.count - Int(stream.avail_out))
                }
                guard result == Z_OK || result == Z_STREAM_END || (result == Z_BUF_ERROR && produced > 0) else {
                    let why = result == Z_BUF_ERROR ? "it stops short" : "it is damaged (zlib \(result))"
                    throw XLSXError.unreadable("\(path) does not unpack (\(why))")
                }
                guard output.count + produced <= limit else { throw XLSXError.tooLarge(part: path, limit: limit) }
                output.append(contentsOf: chunk[0..<produced])
                if result == Z_STREAM_END { return output }
                // Every input byte was given at once: no output and no end means it stops short.
                if produced == 0 && stream.avail_in == 0 {
                    throw XLSXError.unreadable("\(path) does not unpack (it stops short)")
                }
            }
        }
    }
}

extension [UInt8] {
    /// Little-endian integers at `offset`; the callers check the bounds first.
    fileprivate func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    fileprivate func u32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}
