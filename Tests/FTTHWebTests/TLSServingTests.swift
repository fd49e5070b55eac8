import FTTHAPI
import FTTHConfig
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOSSL
import Testing

@Suite("HTTPS built in")
struct TLSServingTests {
    /// A self-signed certificate for localhost made by openssl, as `make demo` makes one.
    static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key,
            "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        return (certificate, key)
    }

    @Test func theServerAnswersOverTLSWithTheConfiguredCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try Self.makeCertificate(in: directory)
        var settings = APISettings()
        settings.tlsCertificatePath = files.certificate
        settings.tlsKeyPath = files.key
        #expect(settings.servesTLS)
        let router = Router()
        router.get("/hello") { _, _ in "over TLS" }
        let app = Application(
            router: router, server: try APIServer.server(settings),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { plain in
            let port = try #require(plain.port)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))
            let body = try await TestClient.withClient(
                host: "127.0.0.1", port: port, configuration: .init(tlsConfiguration: tls, serverName: "localhost")
            ) { client in
                let response = try await client.get("/hello")
                return response.body.map { String(buffer: $0) } ?? ""
            }
            #expect(body == "over TLS")
        }
    }

    @Test func aMissingCertificateFileIsNamed() throws {
        var settings = APISettings()
        settings.tlsCertificatePath = "/nonexistent/cert.pem"
        settings.tlsKeyPath = "/nonexistent/key.pem"
        #expect {
            _ = try APIServer.server(settings)
        } throws: { error in
            String(describing: error).contains("/nonexistent/cert.pem")
        }
    }

    @Test func bothTLSFilesOrNeitherInTheConfiguration() throws {
        #expect(throws: (any Error).self) {
            _ = try AcceptdConfiguration(toml: "[api]\ntls_certificate = \"/etc/c.pem\"\n")
        }
        let both = try AcceptdConfiguration(toml: "[api]\ntls_certificate = \"/c.pem\"\ntls_key = \"/k.pem\"\n")
        #expect(both.api.servesTLS && both.api.tlsKeyPath == "/k.pem")
        #expect(!(try AcceptdConfiguration(toml: "")).api.servesTLS)
    }
}
