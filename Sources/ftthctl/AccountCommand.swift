import ArgumentParser
import FTTHCore
import Foundation
import HummingbirdBcrypt

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage people's accounts of the web pages (roles: crew, admin) and their one-time sign-in codes.",
        subcommands: [AccountCreate.self, AccountList.self, AccountCode.self, AccountSignOut.self]
    )
}

struct AccountCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a person's account; the first administrator is made this way.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "Unique sign-in name, such as wang.wei or crew-north-1.")
    var name: String
    @Option(name: .long, help: "crew or admin.")
    var role: String
    @Option(name: .long, help: "zh (default) or en: the language of the pages for this person.")
    var language: String = "zh"
    @Flag(name: .long, help: "Read a password from the first line of standard input (else: sign-in codes only).")
    var passwordStdin = false

    func validate() throws {
        guard role == "crew" || role == "admin" else {
            throw ValidationError(
                "--role must be crew or admin, not '\(role)' (integrations use `ftthctl token create`)")
        }
        guard WebLanguage(rawValue: language) != nil else {
            throw ValidationError("--language must be zh or en, not '\(language)'")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) })
        else {
            throw ValidationError(
                "--name must be letters, digits, '-', '_', '.' or '@', such as wang.wei: it is shown in audit records")
        }
    }

    func run() async throws {
        var hash: String?
        if passwordStdin {
            guard let password = readLine(strippingNewline: true), password.count >= 10 else {
                throw ValidationError("the password on standard input must be at least 10 characters")
            }
            hash = Bcrypt.hash(password, cost: 12)
        }
        let (_, store) = try await storeOptions.open()
        try await store.createAccount(
            name: name, role: APIRole(rawValue: role)!, language: WebLanguage(rawValue: language)!,
            passwordHash: hash, at: Date())
        FileHandle.standardError.write(
            line:
                "created account '\(name)' (\(role), \(language))\(hash == nil ? "; it signs in with `ftthctl account code --name \(name)`" : "")"
        )
    }
}

struct AccountList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts.")
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        for account in try await store.accounts() {
            print("\(account.name)\t\(account.role)\t\(account.language)")
        }
    }
}

struct AccountCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Issue a one-time sign-in code for an account and print its URL (valid 15 minutes, works once).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "The account.")
    var name: String
    @Option(name: .long, help: "The daemon's address as a phone reaches it, such as https://192.0.2.10:8443.")
    var baseURL: String = "https://localhost:8443"
    @Option(name: .long, help: "Minutes the code stays usable.")
    var minutes: Int = 15

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let now = Date()
        let code = try await store.issueSignInCode(
            for: name, expiresAt: now.addingTimeInterval(TimeInterval(minutes * 60)), at: now)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        print("\(base)/code/\(code)")
    }
}

struct AccountSignOut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-out", abstract: "End every web session of an account (a lost phone).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "The account.")
    var name: String

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let count = try await store.revokeSessions(of: name, at: Date())
        FileHandle.standardError.write(line: "ended \(count) session(s) of '\(name)'")
    }
}
