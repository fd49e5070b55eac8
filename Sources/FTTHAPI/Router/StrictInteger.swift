/// The one way the API reads a number from a path, a query or a header: ASCII digits only, so
/// that `+3`, ` 3`, `3.0`, `0x3` and `٣` are refused rather than taken as 3 (Swift's `Int(_:)`
/// accepts a leading `+`). Used by every route that takes a number.
enum StrictInteger {
    /// The value of `text` when it is 1 to 18 ASCII digits (any Int64 a client needs), else nil.
    static func parse(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}
