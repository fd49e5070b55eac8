import FTTHCore
import Foundation

/// The pages' words, one JSON file per language under `Resources/strings`: templates show only
/// these, never text of their own.
public struct WebStrings: Sendable {
    let table: [WebLanguage: [String: String]]

    /// Loads every language's file from the module's resources; throws when one is missing or
    /// not a flat JSON object of strings.
    public static func load() throws -> WebStrings {
        var table: [WebLanguage: [String: String]] = [:]
        for language in WebLanguage.allCases {
            guard
                let url = Bundle.module.url(
                    forResource: language.rawValue, withExtension: "json", subdirectory: "Resources/strings")
            else { throw WebResourceError(name: "strings/\(language.rawValue).json") }
            table[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return WebStrings(table: table)
    }

    /// Every string of `language`, for a template's `t`.
    public func strings(_ language: WebLanguage) -> [String: String] { table[language] ?? [:] }

    /// One string; the key itself when missing (a test checks none is).
    public func string(_ key: String, _ language: WebLanguage) -> String { table[language]?[key] ?? key }
}

/// A resource of the web pages that is not in the build.
public struct WebResourceError: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "the web pages' resource \(name) is missing from the build; rebuild ftth-acceptd" }
}
