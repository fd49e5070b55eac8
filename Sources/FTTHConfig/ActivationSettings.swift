import FTTHCore

extension ActivationPolicy {
    /// Reads `[activation]`; every key is optional.
    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["authentication", "password_olts", "password_length", "password_alphabet"])
        let method = try r.string("authentication", default: authentication.rawValue)
        guard let a = ONUAuthentication(rawValue: method) else {
            throw r.error("authentication", "must be \"serial\" or \"password\", not \"\(method)\"")
        }
        authentication = a
        for text in try r.strings("password_olts", default: []) {
            guard let address = ManagementAddress(text) else {
                throw r.error("password_olts", "'\(text)' is not an OLT management address (an IPv4 or IPv6 address)")
            }
            passwordOLTs.insert(address)
        }
        let alphabetName = try r.string("password_alphabet", default: passwordRule.alphabet.rawValue)
        guard let alphabet = ONUPasswordRule.Alphabet(rawValue: alphabetName) else {
            throw r.error("password_alphabet", "must be \"digits\" or \"alphanumeric\", not \"\(alphabetName)\"")
        }
        let length = try r.int("password_length", default: passwordRule.length, range: 1...64)
        do {
            passwordRule = try ONUPasswordRule(length: length, alphabet: alphabet)
        } catch let e as ONUPasswordRuleError {
            throw r.error("password_length", e.message)
        }
    }
}
