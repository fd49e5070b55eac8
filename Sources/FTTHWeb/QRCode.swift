import Foundation

/// A QR code (ISO/IEC 18004) of some bytes, in byte mode at error-correction level M, the smallest
/// version (1–40) that holds them: what an administrator's screen shows so a crew member's phone
/// can open a one-time sign-in link by pointing its camera at it. Pure: the modules as booleans,
/// and an SVG of them for a page.
public struct QRCode: Sendable, Equatable {
    /// The version, 1…40: the symbol is `17 + 4 × version` modules wide.
    public let version: Int
    /// The data mask chosen (0…7): the one with the lowest penalty.
    public let mask: Int
    /// The modules, row by row; `true` is dark.
    public let modules: [[Bool]]

    public var size: Int { modules.count }

    public enum EncodeError: Error, Equatable, CustomStringConvertible {
        case tooLong(bytes: Int, capacity: Int)

        public var description: String {
            switch self {
            case .tooLong(let bytes, let capacity):
                "\(bytes) bytes do not fit in a QR code (level M holds at most \(capacity) bytes)"
            }
        }
    }

    /// Encodes the text's UTF-8 bytes.
    public init(text: String) throws {
        try self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) throws {
        try self.init(bytes: bytes, mask: nil)
    }

    /// `mask` forces a data mask (the tests try each); nil chooses the one with the lowest penalty.
    init(bytes: [UInt8], mask forced: Int?) throws {
        guard let version = (1...40).first(where: { Self.byteCapacity(version: $0) >= bytes.count }) else {
            throw EncodeError.tooLong(bytes: bytes.count, capacity: Self.byteCapacity(version: 40))
        }
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        var best: (mask: Int, grid: Grid, penalty: Int)?
        for mask in forced.map({ [$0] }) ?? Array(0..<8) {
            var grid = Grid(version: version)
            grid.place(codewords)
            grid.apply(mask: mask)
            grid.drawFormat(mask: mask)
            let penalty = grid.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, grid, penalty) }
        }
        self.version = version
        self.mask = best!.mask
        self.modules = best!.grid.dark
    }

    /// The side of the drawing in modules: the code and the quiet zone of 4 modules on each side
    /// that the standard asks for.
    public var side: Int { size + 8 }

    /// The dark modules as one SVG path (`d`), in modules, offset by the quiet zone: a page draws
    /// it in a `viewBox` of `side` × `side` on white, so it stays small (runs of dark modules are
    /// one rectangle each). Only digits and `M h v z`: safe in any attribute.
    public var svgPath: String {
        var path = ""
        for (y, row) in modules.enumerated() {
            var x = 0
            while x < row.count {
                guard row[x] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < row.count, row[x + run] { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return path
    }

    // MARK: Capacity and codewords

    /// Error-correction codewords per block at level M, by version.
    static let eccPerBlock: [Int] = [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    /// Blocks at level M, by version.
    static let blocks: [Int] = [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    static func dataCodewordCount(version: Int) -> Int {
        rawDataModules(version: version) / 8 - eccPerBlock[version - 1] * blocks[version - 1]
    }

    /// Byte-mode capacity: 4 bits of mode, 8 or 16 bits of count, then the bytes.
    static func byteCapacity(version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        return (dataCodewordCount(version: version) * 8 - 4 - countBits) / 8
    }

    /// Mode, count, bytes, terminator and padding: exactly the version's data codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacityBits = dataCodewordCount(version: version) * 8
        append(0, min(4, capacityBits - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacityBits / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into the version's blocks, adds each block's Reed–Solomon codewords, and
    /// interleaves data then error correction, as the symbol carries them.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let blockCount = blocks[version - 1]
        let eccLength = eccPerBlock[version - 1]
        let total = rawDataModules(version: version) / 8
        let shortBlocks = blockCount - total % blockCount
        let shortData = total / blockCount - eccLength
        let generator = ReedSolomon.generator(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortData + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, generator: generator))
        }
        var result: [UInt8] = []
        for index in 0...shortData {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<eccLength {
            for block in eccBlocks { result.append(block[index]) }
        }
        return result
    }

    /// Centres of the alignment patterns along one axis.
    static func alignmentPositions(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let size = 17 + 4 * version
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var positions = [6]
        for index in 0..<(count - 1) { positions.insert(size - 7 - index * step, at: 1) }
        return positions
    }
}

/// Reed–Solomon over GF(256) with the field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D).
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt16 = 0
        var x = UInt16(a)
        var y = b
        while y != 0 {
            if y & 1 == 1 { product ^= x }
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
            y >>= 1
        }
        return UInt8(product)
    }

    /// The coefficients of (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest power first, without the
    /// leading 1.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for index in 0..<result.count { result[index] ^= multiply(generator[index], factor) }
        }
        return result
    }
}

/// The symbol being drawn: its modules and which of them belong to function patterns.
struct Grid {
    let version: Int
    let size: Int
    var dark: [[Bool]]
    var function: [[Bool]]

    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        dark = Array(repeating: Array(repeating: false, count: size), count: size)
        function = dark
        drawFunctionPatterns()
    }

    mutating func set(_ x: Int, _ y: Int, _ value: Bool) {
        dark[y][x] = value
        function[y][x] = true
    }

    mutating func drawFunctionPatterns() {
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx
                    let y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(x, y, distance != 2 && distance != 4)
                }
            }
        }
        let positions = QRCode.alignmentPositions(version: version)
        for (i, cx) in positions.enumerated() {
            for (j, cy) in positions.enumerated() {
                let last = positions.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format areas (drawn once the mask is known) and the dark module.
        drawFormat(mask: 0)
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for index in 0..<18 {
                let bit = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3
                let b = index / 3
                set(a, b, bit)
                set(b, a, bit)
            }
        }
    }

    /// Level M (bits 00) and the mask, BCH-protected, in both copies.
    mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)
    }

    /// The codewords' bits in the zigzag order, two columns at a time from the right.
    mutating func place(_ codewords: [UInt8]) {
        var index = 0
        let total = codewords.count * 8
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !function[y][x] && index < total {
                        dark[y][x] = (codewords[index >> 3] >> (7 - index & 7)) & 1 == 1
                        index += 1
                    }
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !function[y][x] {
                let invert =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if invert { dark[y][x].toggle() }
            }
        }
    }

    /// The standard's four penalty rules: runs of five or more, 2×2 blocks, finder-like
    /// sequences, and the balance of dark and light.
    func penalty() -> Int {
        var total = 0
        let finderLike: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        func lines() -> [[Bool]] {
            var result = dark
            for x in 0..<size { result.append((0..<size).map { dark[$0][x] }) }
            return result
        }
        for line in lines() {
            var run = 1
            for index in 1..<size {
                if line[index] == line[index - 1] {
                    run += 1
                } else {
                    if run >= 5 { total += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { total += run - 2 }
            if size >= finderLike.count {
                for start in 0...(size - finderLike.count) {
                    let window = Array(line[start..<start + finderLike.count])
                    if window == finderLike || window == finderLike.reversed() { total += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = dark[y][x]
                if dark[y][x + 1] == colour, dark[y + 1][x] == colour, dark[y + 1][x + 1] == colour { total += 3 }
            }
        }
        let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
        let all = size * size
        let k = (abs(darkCount * 20 - all * 10) + all - 1) / all - 1
        total += max(0, k) * 10
        return total
    }
}
