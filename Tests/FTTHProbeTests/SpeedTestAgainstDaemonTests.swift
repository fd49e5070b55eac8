import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHProbe
import FTTHSQLite
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The probe's HTTP clients against the daemon's real routes on a real socket: the speed-test
/// endpoints through SwiftNIO (bound to an address, as through a session) and claim/post through
/// URLSession, with the store and the access rules of the daemon.
@Suite struct SpeedTestAgainstDaemonTests {
    final class Daemon: Sendable {
        let directory: URL
        let store: SQLiteStore
        let probeToken: String
        let crewToken: String

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("probe-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
            probeToken = try await store.createToken(name: "probe-1", role: .probe, at: Date()).secret
            crewToken = try await store.createToken(name: "crew-1", role: .crew, at: Date()).secret
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// Runs `body` with the daemon's API serving on a free loopback port.
        func serving(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
            let router = APIServer.buildRouter(store: store, configuration: AcceptdConfiguration())
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in try await body(client.port!) }
        }
    }

    @Test func theProbeMeasuresTheDaemonsSpeedTestBothWaysFromABoundAddress() async throws {
        let daemon = try await Daemon()
        let token = daemon.probeToken
        try await daemon.serving { port in
            let client = SpeedTestClient(
                server: ServerAddress(host: "127.0.0.1", port: port), token: token, bindAddress: "127.0.0.1")
            let rtt = try await client.ping(count: 3)
            #expect(rtt > .zero && rtt < .seconds(1))
            let down = try await client.download(duration: .milliseconds(500))
            #expect(down.bytes > 1_000_000, "\(down)")
            #expect(down.seconds >= 0.4 && down.seconds < 5, "\(down)")
            let up = try await client.upload(duration: .milliseconds(500))
            // The server's own count of what it received.
            #expect(up.bytes > 1_000_000, "\(up)")
            #expect(up.megabitsPerSecond > 10, "\(up)")
        }
    }

    @Test func aTokenTheDaemonRefusesSaysWhichTokenToMake() async throws {
        let daemon = try await Daemon()
        try await daemon.serving { port in
            let client = SpeedTestClient(server: ServerAddress(host: "127.0.0.1", port: port), token: "not-a-token")
            await #expect {
                _ = try await client.download(duration: .milliseconds(200))
            } throws: { error in
                "\(error)".contains("--role probe")
            }
        }
    }

    @Test func aDaemonThatIsNotThereIsNamedWithTheAddress() async throws {
        let client = SpeedTestClient(server: ServerAddress(host: "127.0.0.1", port: 1), token: "t")
        await #expect {
            _ = try await client.ping()
        } throws: { error in
            "\(error)".contains("cannot reach the speed-test server http://127.0.0.1:1")
        }
    }

    @Test func theProbesClaimAnswersNothingWaitingAndAResultForNoTestIsRefusedForGood() async throws {
        let daemon = try await Daemon()
        let token = daemon.probeToken
        try await daemon.serving { port in
            let api = HTTPProbeDaemon(server: URL(string: "http://127.0.0.1:\(port)")!, token: token)
            #expect(try await api.claim() == nil)
            let body = try WireJSON.encoder().encode(
                ServiceMeasurementWire(result: .pass, downMbps: 90, upMbps: 90, measuredAt: Date()))
            let answer = try await api.post(path: "/v1/service-tests/99/result", key: "k-1", body: body)
            guard case .refused(404, let message) = answer else {
                Issue.record("expected 404, got \(answer)")
                return
            }
            #expect(!message.isEmpty)
            // A crew token cannot take service tests.
            let crew = HTTPProbeDaemon(server: URL(string: "http://127.0.0.1:\(port)")!, token: daemon.crewToken)
            await #expect {
                _ = try await crew.claim()
            } throws: { error in "\(error)".contains("--role probe") }
        }
    }

    @Test func serverURLsAreReadWithTheirPortAndPrefix() {
        #expect(ServerAddress(url: "http://10.0.0.5:8080") == ServerAddress(host: "10.0.0.5", port: 8080))
        #expect(ServerAddress(url: "http://acceptd.example.net/ftth/")?.pathPrefix == "/ftth")
        #expect(ServerAddress(url: "http://acceptd.example.net")?.port == 80)
        #expect(ServerAddress(url: "https://acceptd.example.net") == nil)
        #expect(ServerAddress(url: "not a url") == nil)
    }
}
