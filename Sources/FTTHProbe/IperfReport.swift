import Foundation

/// Which way the bytes went in one iperf3 run, seen from the probe.
public enum ThroughputDirection: String, Sendable, Hashable, Codable {
    /// Server → probe (iperf3 `-R`): the probe receives.
    case download
    /// Probe → server: the server receives.
    case upload
}

/// The figures of one iperf3 run (`iperf3 -J`), taken on the receiving side: a sender may count
/// bytes that never arrived (iperf3 PR 1174), so a direction is judged on what was received.
public struct IperfReport: Sendable, Hashable {
    public var direction: ThroughputDirection
    /// Bytes the receiving side counted.
    public var receivedBytes: Int64
    /// Seconds the receiving side counted them over.
    public var seconds: Double
    public var receivedBitsPerSecond: Double
    public var retransmits: Int?
    /// Mean TCP round-trip time from the sending side's kernel. Only known when the probe sent
    /// (upload): with `-R` iperf3 leaves the client's RTT at 0 (iperf3 issue 1920), so it is nil.
    public var meanRTT: Duration?
    /// The server measured against, `host:port`.
    public var server: String

    public var megabitsPerSecond: Double { receivedBitsPerSecond / 1_000_000 }
}

/// iperf3's JSON could not be read, or iperf3 said the run failed.
public enum IperfReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// iperf3 reported an error (its own words), e.g. it could not reach the server.
    case iperf(String)
    /// The output is not iperf3's JSON, or lacks the figures.
    case unreadable(String)

    public var description: String {
        switch self {
        case .iperf(let message):
            "iperf3 failed: \(message); check that the iperf3 server is running and reachable through the session"
        case .unreadable(let why): "iperf3's JSON output could not be read: \(why)"
        }
    }
}

extension IperfReport {
    /// Reads the JSON iperf3 3.x prints with `-J`.
    public static func parse(_ data: Data) throws(IperfReportError) -> IperfReport {
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw .unreadable("\(error)")
        }
        if let message = doc.error, !message.isEmpty { throw .iperf(message) }
        guard let end = doc.end, let received = end.sumReceived else {
            throw .unreadable("no end.sum_received (did the test run?)")
        }
        let reverse = (doc.start?.testStart?.reverse ?? 0) != 0
        let server = doc.start?.connectingTo.map { "\($0.host):\($0.port)" } ?? "unknown"
        // The RTT is the sender's; in an upload the probe sent, so its streams carry it.
        var rtt: Duration?
        if !reverse {
            let rtts = (end.streams ?? []).compactMap { $0.sender?.meanRTT }.filter { $0 > 0 }
            if !rtts.isEmpty {
                let micros = rtts.reduce(0, +) / Double(rtts.count)
                rtt = .microseconds(micros)
            }
        }
        return IperfReport(
            direction: reverse ? .download : .upload, receivedBytes: received.bytes, seconds: received.seconds,
            receivedBitsPerSecond: received.bitsPerSecond, retransmits: end.sumSent?.retransmits, meanRTT: rtt,
            server: server)
    }

    private struct Document: Decodable {
        var start: Start?
        var end: End?
        var error: String?
    }
    private struct Start: Decodable {
        var connectingTo: Endpoint?
        var testStart: TestStart?
        enum CodingKeys: String, CodingKey {
            case connectingTo = "connecting_to"
            case testStart = "test_start"
        }
    }
    private struct Endpoint: Decodable {
        var host: String
        var port: Int
    }
    private struct TestStart: Decodable {
        var reverse: Int?
    }
    private struct End: Decodable {
        var streams: [Stream]?
        var sumSent: Sum?
        var sumReceived: Sum?
        enum CodingKeys: String, CodingKey {
            case streams
            case sumSent = "sum_sent"
            case sumReceived = "sum_received"
        }
    }
    private struct Stream: Decodable {
        var sender: StreamSide?
    }
    private struct StreamSide: Decodable {
        var meanRTT: Double?
        enum CodingKeys: String, CodingKey { case meanRTT = "mean_rtt" }
    }
    private struct Sum: Decodable {
        var bytes: Int64
        var seconds: Double
        var bitsPerSecond: Double
        var retransmits: Int?
        enum CodingKeys: String, CodingKey {
            case bytes, seconds, retransmits
            case bitsPerSecond = "bits_per_second"
        }
    }
}
