import FTTHProbe
import Foundation
import ProcessLab
import Testing

private func resource(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
    return try Data(contentsOf: url)
}

@Suite struct IperfReportTests {
    @Test func anUploadIsJudgedOnWhatTheServerReceivedAndCarriesTheSendersRTT() throws {
        let report = try IperfReport.parse(resource("iperf3-3.12-upload.json"))
        #expect(report.direction == .upload)
        // end.sum_received, not end.sum_sent (21677292811.77).
        #expect(report.receivedBitsPerSecond == 21676924338.322784)
        #expect(report.receivedBytes == 5_419_827_200)
        #expect(report.server == "127.0.0.1:5299")
        #expect(report.retransmits == 4)
        // mean_rtt 42 µs of the one sending stream.
        #expect(report.meanRTT == .microseconds(42))
        #expect(abs(report.megabitsPerSecond - 21676.924) < 0.001)
    }

    @Test func aReverseRunIsADownloadWithoutRTT() throws {
        let report = try IperfReport.parse(resource("iperf3-3.12-download-reverse.json"))
        #expect(report.direction == .download)
        #expect(report.receivedBitsPerSecond == 22591583344.58321)
        #expect(report.receivedBytes == 5_647_957_963)
        // With -R iperf3 leaves the client's RTT at 0: unknown, not zero.
        #expect(report.meanRTT == nil)
    }

    @Test func iperfsOwnErrorIsReportedInItsWords() throws {
        #expect(throws: IperfReportError.iperf("unable to connect to server: Connection refused")) {
            try IperfReport.parse(resource("iperf3-3.12-refused.json"))
        }
    }

    @Test func outputThatIsNotIperfJSONIsUnreadable() {
        #expect {
            try IperfReport.parse(Data("iperf3: error - unable to connect".utf8))
        } throws: { error in
            guard case .unreadable = error as? IperfReportError else { return false }
            return true
        }
        #expect {
            try IperfReport.parse(Data(#"{"start": {}, "end": {}}"#.utf8))
        } throws: { error in
            (error as? IperfReportError).map { "\($0)".contains("sum_received") } ?? false
        }
    }

    @Test func theRunnerBindsToTheSessionAddressAndReversesForADownload() {
        let runner = IperfRunner(server: "10.67.0.1:5202")
        #expect(
            runner.arguments(direction: .download, duration: .seconds(10), bindAddress: "10.67.0.10") == [
                "-c", "10.67.0.1", "-p", "5202", "-t", "10", "-J", "--connect-timeout", "5000", "-B", "10.67.0.10",
                "-R",
            ])
        #expect(IperfRunner(server: "iperf.example.net").endpoint == ("iperf.example.net", 5201))
    }

    /// Debian's iperf3, client and server, on loopback: the figures are read from a real run.
    @Test func aRealIperf3RunOnLoopbackIsMeasuredBothWays() async throws {
        let port = try freeTCPPort()
        let server = try LabProcess(
            "iperf3 -s", path: "/usr/bin/iperf3", arguments: ["-s", "-p", String(port), "--bind", "127.0.0.1"])
        defer { server.crash() }
        try await poll("iperf3 server listening on \(port)", seconds: 10) { acceptsTCP(port: port) }
        let runner = IperfRunner(server: "127.0.0.1:\(port)")
        let up = try await runner.run(direction: .upload, duration: .seconds(1), bindAddress: "127.0.0.1")
        let down = try await runner.run(direction: .download, duration: .seconds(1), bindAddress: "127.0.0.1")
        #expect(up.direction == .upload && down.direction == .download)
        #expect(up.receivedBytes > 1_000_000 && down.receivedBytes > 1_000_000)
        #expect(up.meanRTT != nil)
        #expect(up.server == "127.0.0.1:\(port)")
    }

    @Test func aServerThatIsNotThereIsAnIperfErrorNamingIt() async throws {
        let port = try freeTCPPort()
        let runner = IperfRunner(server: "127.0.0.1:\(port)")
        await #expect {
            try await runner.run(direction: .upload, duration: .seconds(1), bindAddress: nil)
        } throws: { error in
            "\(error)".contains("Connection refused") && "\(error)".contains("iperf3 server")
        }
    }

    @Test func aMissingIperf3SaysToInstallIt() async throws {
        let runner = IperfRunner(server: "127.0.0.1:1", executable: "iperf3-not-installed-here")
        await #expect {
            try await runner.run(direction: .upload, duration: .seconds(1), bindAddress: nil)
        } throws: { error in
            "\(error)".contains("install Debian's iperf3")
        }
    }
}
