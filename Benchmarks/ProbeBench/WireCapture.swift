import Foundation
import PPPoELink

#if canImport(Glibc)
    import Glibc
#endif

/// `probe-bench capture`: runs inside the lab, on the client's side of the veth, and writes one
/// line per PPPoE milestone frame seen in either direction, with the kernel's capture time:
/// `SECONDS KIND` where KIND is PADI, PADS, PADT or IPCP-ACK. The same tap times our probe and
/// pppd, so "PADI → IP" means the same thing for both: from the first PADI to the second IPCP
/// Configure-Ack (both sides' addresses agreed).
enum WireCapture {
    /// The milestone a frame is, if any: PPPoE discovery codes and IPCP Configure-Ack.
    static func kind(of frame: [UInt8]) -> String? {
        guard frame.count >= 14 else { return nil }
        var offset = 12
        var type = UInt16(frame[offset]) << 8 | UInt16(frame[offset + 1])
        if type == 0x8100 {
            offset += 4
            guard frame.count >= offset + 2 else { return nil }
            type = UInt16(frame[offset]) << 8 | UInt16(frame[offset + 1])
        }
        let payload = offset + 2
        switch type {
        case 0x8863:
            guard frame.count > payload + 1 else { return nil }
            switch frame[payload + 1] {
            case 0x09: return "PADI"
            case 0x65: return "PADS"
            case 0xA7: return "PADT"
            default: return nil
            }
        case 0x8864:
            guard frame.count > payload + 8 else { return nil }
            let protocolNumber = UInt16(frame[payload + 6]) << 8 | UInt16(frame[payload + 7])
            return protocolNumber == 0x8021 && frame[payload + 8] == 2 ? "IPCP-ACK" : nil
        default:
            return nil
        }
    }

    /// Captures on `interface` until killed, appending lines to `output`; writes `ready` (a file)
    /// once the capture is open, so the lab knows when to start dialling.
    static func run(interface: String, output: String, ready: String) throws {
        let link = try PcapLink(interface: interface, outgoing: true)
        guard FileManager.default.createFile(atPath: output, contents: nil),
            let file = FileHandle(forWritingAtPath: output)
        else { throw BenchError("cannot write \(output)") }
        _ = FileManager.default.createFile(atPath: ready, contents: Data("ready\n".utf8))
        while true {
            var descriptor = pollfd(fd: link.selectableDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 1000)
            try link.receiveTimestamped { frame, time in
                guard let kind = kind(of: frame) else { return }
                file.write(Data((String(format: "%.6f", time) + " \(kind)\n").utf8))
            }
        }
    }
}

/// What went wrong in the benchmark, said plainly.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
