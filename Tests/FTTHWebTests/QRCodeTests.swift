import Foundation
import Testing

@testable import FTTHWeb

/// The QR codes of one-time sign-in links, read back by a real decoder: Debian's `zbarimg`
/// (zbar-tools, installed by scripts/install-deps.sh), not by our own code.
@Suite("QR codes of sign-in links, decoded by zbarimg")
struct QRCodeTests {
    /// Writes the code as a plain PBM image, 3 pixels a module with the 4-module quiet zone, and
    /// returns what zbarimg reads from it.
    static func decode(_ code: QRCode) throws -> String {
        let scale = 3
        let side = (code.size + 8) * scale
        var image = "P1\n\(side) \(side)\n"
        for y in 0..<side {
            let my = y / scale - 4
            var row = ""
            for x in 0..<side {
                let mx = x / scale - 4
                let dark = (0..<code.size).contains(mx) && (0..<code.size).contains(my) && code.modules[my][mx]
                row += dark ? "1 " : "0 "
            }
            image += row + "\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try image.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            Issue.record("zbarimg did not start (\(error)): run scripts/install-deps.sh to install zbar-tools")
            throw error
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test func aSignInLinkReadsBack() throws {
        let url = "https://olt-lab.example:8443/code/q7Xk2pL9vR4mN8sT1wY6zA3b"
        let code = try QRCode(text: url)
        #expect(code.version == 4)
        #expect(try Self.decode(code) == url)
    }

    /// Every version at its full byte capacity: the block layout, the alignment patterns, the
    /// 16-bit count from version 10 and the version information from version 7 all have to be
    /// right for the decoder to read it.
    @Test func everyVersionAtItsCapacityReadsBack() throws {
        for version in 1...40 {
            let capacity = QRCode.byteCapacity(version: version)
            let text = String((0..<capacity).map { Character(UnicodeScalar(UInt8(97 + ($0 * 7 + version) % 26))) })
            let code = try QRCode(text: text)
            #expect(code.version == version)
            #expect(try Self.decode(code) == text, "version \(version)")
        }
    }

    @Test func everyMaskReadsBack() throws {
        let bytes = Array("https://10.20.30.40/code/abcdefghijklmnop".utf8)
        for mask in 0..<8 {
            let code = try QRCode(bytes: bytes, mask: mask)
            #expect(code.mask == mask)
            #expect(try Self.decode(code) == String(decoding: bytes, as: UTF8.self), "mask \(mask)")
        }
    }

    /// The standard's tables: byte capacity at level M, alignment pattern centres.
    @Test func capacitiesAndAlignmentPositionsMatchTheStandard() {
        #expect((1...10).map { QRCode.byteCapacity(version: $0) } == [14, 26, 42, 62, 84, 106, 122, 152, 180, 213])
        #expect(QRCode.byteCapacity(version: 40) == 2331)
        #expect(QRCode.alignmentPositions(version: 1) == [])
        #expect(QRCode.alignmentPositions(version: 2) == [6, 18])
        #expect(QRCode.alignmentPositions(version: 7) == [6, 22, 38])
        #expect(QRCode.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRCode.alignmentPositions(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }

    /// The worked example of "HELLO WORLD" at 1-M: its ten error-correction codewords.
    @Test func reedSolomonMatchesTheWorkedExample() {
        let data: [UInt8] = [
            0x20, 0x5B, 0x0B, 0x78, 0xD1, 0x72, 0xDC, 0x4D, 0x43, 0x40, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        #expect(
            ReedSolomon.remainder(data, generator: ReedSolomon.generator(degree: 10))
                == [0xC4, 0x23, 0x27, 0x77, 0xEB, 0xD7, 0xE7, 0xE2, 0x5D, 0x17])
    }

    @Test func tooMuchIsRefusedWithTheLimit() {
        #expect(throws: QRCode.EncodeError.tooLong(bytes: 2332, capacity: 2331)) {
            try QRCode(bytes: [UInt8](repeating: 0x41, count: 2332))
        }
    }

    /// The page's path draws exactly the dark modules, shifted by the quiet zone, and holds
    /// nothing an attribute would have to escape.
    @Test func theSVGPathDrawsTheDarkModulesInsideTheQuietZone() throws {
        let code = try QRCode(text: "https://a.example/code/x")
        #expect(code.side == code.size + 8)
        let path = code.svgPath
        #expect(path.allSatisfy { "0123456789 Mhvz-".contains($0) })
        var drawn = [[Bool]](repeating: [Bool](repeating: false, count: code.side), count: code.side)
        for run in path.split(separator: "z") {
            // "M<x> <y>h<n>v1h-<n>"
            let numbers = run.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            let (x, y, width) = (numbers[0], numbers[1], numbers[2])
            for dx in 0..<width { drawn[y][x + dx] = true }
        }
        for y in 0..<code.side {
            for x in 0..<code.side {
                let inside = (4..<(code.size + 4)).contains(x) && (4..<(code.size + 4)).contains(y)
                #expect(drawn[y][x] == (inside && code.modules[y - 4][x - 4]), "module \(x), \(y)")
            }
        }
    }
}
