import FTTHProbe
import Foundation
import ProcessLab
import Synchronization
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

    /// An iperf3 server runs one test at a time: "the server is busy" is asked again, after the
    /// injected clock's wait, and gives up with iperf3's words after the last try.
    @Test func aBusyServerIsAskedAgain() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iperf-busy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let upload = directory.appendingPathComponent("upload.json")
        try resource("iperf3-3.12-upload.json").write(to: upload)
        // A stand-in for iperf3: busy for the first two runs, then the recorded upload.
        let script = directory.appendingPathComponent("iperf3")
        let count = directory.appendingPathComponent("count")
        try """
        #!/bin/sh
        n=$(cat '\(count.path)' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '\(count.path)'
        if [ $n -le 2 ]; then echo '{"error": "the server is busy running a test. try again later"}'; exit 1; fi
        cat '\(upload.path)'
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let clock = CountingClock()
        let runner = IperfRunner(server: "127.0.0.1:5299", executable: script.path, busyWait: .seconds(3), clock: clock)
        let report = try await runner.run(direction: .upload, duration: .seconds(1), bindAddress: nil)
        #expect(report.receivedBytes == 5_419_827_200)
        #expect(clock.slept.withLock { $0 } == [.seconds(3), .seconds(3)])

        try "0".write(to: count, atomically: true, encoding: .utf8)
        let impatient = IperfRunner(server: "127.0.0.1:5299", executable: script.path, busyAttempts: 2, clock: clock)
        await #expect(throws: IperfReportError.iperf("the server is busy running a test. try again later")) {
            try await impatient.run(direction: .upload, duration: .seconds(1), bindAddress: nil)
        }
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

/// A clock whose sleeps return at once and are counted.
final class CountingClock: Clock, Sendable {
    let slept = Mutex<[Duration]>([])
    var now: ContinuousClock.Instant { ContinuousClock.now }
    var minimumResolution: Duration { .milliseconds(1) }

    func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
        slept.withLock { $0.append(ContinuousClock.now.duration(to: deadline).roundedToSeconds()) }
    }
}

extension Duration {
    /// Rounded to whole seconds: a deadline computed from `now` is a hair short of its duration.
    fileprivate func roundedToSeconds() -> Duration {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return .seconds(seconds.rounded())
    }
}
