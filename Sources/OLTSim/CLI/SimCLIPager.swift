/// How a dialect's pager splits long output: the prompt it prints after each page and the bytes
/// it writes after the key to erase that prompt. Pure; the servers do the waiting.
public struct SimCLIPager: Sendable, Hashable {
    /// `---- More ( Press 'Q' to break ) ----` or `--More--`.
    public var prompt: String
    /// Written after the key, before the next page.
    public var erase: String

    /// Huawei: the prompt is erased with `ESC[37D`, 37 blanks, `ESC[37D`.
    public static let huawei = SimCLIPager(
        prompt: "---- More ( Press 'Q' to break ) ----",
        erase: "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D")
    /// ZTE: `--More--`, erased with backspaces, blanks and backspaces.
    public static let zte = SimCLIPager(
        prompt: "--More--",
        erase: String(repeating: "\u{8}", count: 8) + String(repeating: " ", count: 8)
            + String(repeating: "\u{8}", count: 8))

    /// Splits `text` (lines ending in `\n`) into pages of `lines` lines; one page when `lines`
    /// is 0 or the text is short enough.
    public static func pages(of text: String, lines: Int) -> [String] {
        guard lines > 0 else { return [text] }
        var pages: [String] = []
        var current = ""
        var count = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        {
            if count == lines {
                pages.append(current)
                current = ""
                count = 0
            }
            current += line + "\n"
            count += 1
        }
        if !text.hasSuffix("\n"), current.hasSuffix("\n") { current.removeLast() }
        pages.append(current)
        return pages
    }
}
