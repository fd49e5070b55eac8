/// What a terminal session adds to a device's text and what the engine strips from it: ANSI
/// control sequences, the Huawei pager's erase, carriage returns and other control bytes.
/// Works on bytes, so a UTF-8 character split over two reads is decoded whole at the end. Used by
/// the session engine on live output and by the parsers on recorded output.
public enum TerminalText {
    public static let escape: UInt8 = 0x1B
    public static let newline: UInt8 = 0x0A
    public static let space: UInt8 = 0x20
    public static let backspace: UInt8 = 0x08

    /// A CSI sequence (`ESC [ params final`) starting at `start`: the index of its final byte,
    /// or nil when `start` holds none or it is not complete yet.
    public static func csiEnd(in bytes: ArraySlice<UInt8>, at start: Int) -> (end: Int, final: UInt8)? {
        guard start + 1 < bytes.endIndex, bytes[start] == escape, bytes[start + 1] == UInt8(ascii: "[") else {
            return nil
        }
        var k = start + 2
        // Parameter and intermediate bytes (0x20…0x3F), then one final byte (0x40…0x7E).
        while k < bytes.endIndex, (0x20...0x3F).contains(bytes[k]) { k += 1 }
        guard k < bytes.endIndex, (0x40...0x7E).contains(bytes[k]) else { return nil }
        return (k, bytes[k])
    }

    /// Removes CSI sequences; the Huawei pager erase (`ESC[37D`, blanks, `ESC[37D`) goes with its
    /// blanks, since keeping them would shift the row after a page break. Applies backspaces within
    /// the line; drops CR, NUL, BEL and other control bytes but tab and newline. An unfinished CSI at the end is kept as it is, so
    /// that a half-received sequence is never mistaken for text that ends in a prompt.
    public static func clean(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            if byte == escape {
                if let (end, final) = csiEnd(in: raw, at: i) {
                    if final == UInt8(ascii: "D") {
                        var k = end + 1
                        while k < raw.endIndex, raw[k] == space { k += 1 }
                        if let (end2, final2) = csiEnd(in: raw, at: k), final2 == UInt8(ascii: "D") {
                            i = end2 + 1
                            continue
                        }
                    }
                    i = end + 1
                    continue
                }
                if isUnfinishedCSI(raw[i...]) {
                    out.append(contentsOf: raw[i...])
                    break
                }
                i += 1  // A lone escape or another kind of sequence: drop the escape byte.
                continue
            }
            if byte >= 0x20 || byte == newline || byte == 0x09 {
                out.append(byte)
            } else if byte == backspace, let last = out.last, last != newline {
                // ZTE erases its pager prompt with backspaces, blanks, backspaces: apply them,
                // or the next row would be shifted by the blanks.
                out.removeLast()
            }
            i += 1
        }
        return out
    }

    /// `ESC`, `ESC [` or `ESC [ 3 7` at the very end: more bytes will tell what it is.
    public static func isUnfinishedCSI(_ rest: ArraySlice<UInt8>) -> Bool {
        guard rest.first == escape else { return false }
        if rest.count == 1 { return true }
        guard rest[rest.startIndex + 1] == UInt8(ascii: "[") else { return false }
        return rest.dropFirst(2).allSatisfy { (0x20...0x3F).contains($0) }
    }

    /// Where `text`, trailing spaces ignored, ends with one of `patterns`: the range of the match.
    public static func trailingMatch(_ text: [UInt8], _ patterns: [String]) -> Range<Int>? {
        var end = text.endIndex
        while end > text.startIndex, text[end - 1] == space { end -= 1 }
        for pattern in patterns {
            let p = Array(pattern.utf8)
            guard !p.isEmpty, p.count <= end else { continue }
            if text[(end - p.count)..<end].elementsEqual(p) { return (end - p.count)..<end }
        }
        return nil
    }

    /// A trailing Huawei interjection `{ <cr>|ontid<U><0,127>||<K> }:`: the range from its `{`.
    public static func trailingInterjection(_ text: [UInt8]) -> Range<Int>? {
        var end = text.endIndex
        while end > text.startIndex, text[end - 1] == space { end -= 1 }
        guard end >= 3, text[end - 1] == UInt8(ascii: ":"), text[end - 2] == UInt8(ascii: "}") else { return nil }
        guard let open = text[..<(end - 2)].lastIndex(of: UInt8(ascii: "{")) else { return nil }
        // A brace pair inside the braces is not the interjection's shape.
        guard !text[(open + 1)..<(end - 2)].contains(UInt8(ascii: "}")) else { return nil }
        return open..<end
    }

    public static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    public static func contains(_ text: [UInt8], _ pattern: String) -> Bool {
        let p = Array(pattern.utf8)
        guard !p.isEmpty, p.count <= text.count else { return false }
        var i = 0
        while i + p.count <= text.count {
            if text[i..<(i + p.count)].elementsEqual(p) { return true }
            i += 1
        }
        return false
    }
}
