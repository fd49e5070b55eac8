import ArgumentParser
import FTTHCore
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the bearer tokens of the HTTP API (roles: crew, admin, integration, probe, metrics).",
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self]
    )
}

struct TokenCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a token and print its secret, once.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "Unique name of the holder, such as crew-north or inventory.")
    var name: String
    @Option(
        name: .long,
        help:
            "crew, admin, integration, probe (a probe may only take service tests and post their results) or metrics (a Prometheus scraper: GET /metrics only)."
    )
    var role: String

    func validate() throws {
        guard APIRole(rawValue: role) != nil else {
            throw ValidationError(
                "--role must be one of \(APIRole.allCases.map(\.rawValue).joined(separator: ", ")), not '\(role)'")
        }
        guard APIToken.isValidName(name) else { throw ValidationError("--name must be \(APIToken.nameRule)") }
    }

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let issued = try await store.createToken(name: name, role: APIRole(rawValue: role)!, at: Date())
        print(issued.secret)
        FileHandle.standardError.write(
            line:
                "created token '\(name)' with role \(role): the secret above cannot be shown again; keep it safe and send it as 'Authorization: Bearer <secret>'"
        )
    }
}

struct TokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let tokens = try await store.tokens()
        if tokens.isEmpty {
            print("no tokens yet: create one with `ftthctl token create --name NAME --role admin`")
            return
        }
        var table = TextTable("NAME", "ROLE", "CREATED", "REVOKED")
        for t in tokens {
            table.add([
                t.name, t.role.rawValue, t.createdAt.formatted(.iso8601),
                t.revokedAt.map { $0.formatted(.iso8601) } ?? "-",
            ])
        }
        print(table.rendered())
    }
}

struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token: it opens nothing from now on.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Name of the token.")
    var name: String

    func run() async throws {
        let (_, store) = try await storeOptions.open()
        let token = try await store.revokeToken(name: name, at: Date())
        print("revoked token '\(token.name)' (\(token.role)) at \(token.revokedAt!.formatted(.iso8601))")
    }
}
