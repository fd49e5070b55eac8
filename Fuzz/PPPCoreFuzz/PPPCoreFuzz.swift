import PPPCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// Feeds one input to every PPPCore decoder and to a dialling client; must never trap.
func fuzzOne(_ bytes: [UInt8]) {
    _ = try? EthernetFrame.decode(bytes)
    _ = try? PPPoEPacket.decode(bytes)
    _ = try? PPPoEPacket(code: .pado, sessionID: 0, payload: bytes).tags()
    _ = try? PPPFrame.decode(bytes)
    _ = try? PPPControlPacket.decode(bytes).options()
    _ = try? PPPOption.decodeList(bytes)
    _ = try? PAPPacket.decode(bytes)
    _ = try? CHAPPacket.decode(bytes)
    var copy = bytes
    TCPMSSClamp.clamp(&copy, maxMSS: 1452)

    // The input as frames from the wire, after the client reached LCP with a canned PADO/PADS.
    var client = FuzzPeer.clientInLCP()
    for chunk in FuzzPeer.frames(from: bytes) {
        _ = client.receive(frame: chunk, now: .seconds(1))
    }
    _ = client.tick(now: .seconds(100))
}

/// Builds the client side of a fuzz run: a client that took a canned offer and session.
enum FuzzPeer {
    static let clientMAC: [UInt8] = [0x02, 0, 0, 0, 0, 1]
    static let acMAC: [UInt8] = [0x02, 0, 0, 0, 0, 2]

    static func clientInLCP() -> PPPoEClient {
        var config = PPPoEClientConfig(
            macAddress: clientMAC, username: "u", password: "p", hostUniq: [1, 2], magicNumber: 0x1234_5678)
        config.discoveryAttempts = 2
        var client = PPPoEClient(config: config)
        _ = client.start(now: .zero)
        let tags = [
            PPPoETag(type: PPPoETag.acName, text: "AC"), PPPoETag(type: PPPoETag.serviceName),
            PPPoETag(type: PPPoETag.hostUniq, value: [1, 2]),
        ]
        _ = client.receive(frame: discovery(.pado, session: 0, tags: tags), now: .zero)
        _ = client.receive(frame: discovery(.pads, session: 7, tags: tags), now: .zero)
        return client
    }

    static func discovery(_ code: PPPoECode, session: UInt16, tags: [PPPoETag]) -> [UInt8] {
        EthernetFrame(
            destination: clientMAC, source: acMAC, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: code, sessionID: session, tags: tags).encode()
        ).encode()
    }

    /// Splits the input on its first byte: 0 = raw frames, 1 = PPP frames wrapped in session 7.
    static func frames(from bytes: [UInt8]) -> [[UInt8]] {
        guard let mode = bytes.first else { return [] }
        let body = Array(bytes.dropFirst())
        let pieces = body.split(separator: 0x7E, omittingEmptySubsequences: false).map(Array.init)
        switch mode % 2 {
        case 0:
            return pieces
        default:
            return pieces.map {
                EthernetFrame(
                    destination: clientMAC, source: acMAC, etherType: EthernetFrame.pppoeSession,
                    payload: PPPoEPacket(code: .session, sessionID: 7, payload: $0).encode()
                ).encode()
            }
        }
    }
}

#if PPPCORE_FUZZING
    /// libFuzzer's entry point (the build passes -sanitize=fuzzer).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        fuzzOne(bytes)
        return 0
    }

    /// libFuzzer's driver, linked in by -sanitize=fuzzer.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable's `main` to `<module>_main` (here `ppp_fuzz_main`); with
    /// -parse-as-library there is none, so this one hands the command line to libFuzzer's driver.
    @_cdecl("ppp_fuzz_main")
    public func pppFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in LLVMFuzzerTestOneInput(data, size) }
    }
#else
    /// Replays inputs (a crash file, a corpus) without libFuzzer: `ppp-fuzz FILE...`.
    @main
    struct PPPCoreFuzzReplay {
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            if paths.isEmpty {
                print("usage: ppp-fuzz FILE... (replays fuzz inputs; scripts/fuzz-pppcore.sh runs libFuzzer)")
            }
            for path in paths {
                guard let file = fopen(path, "rb") else {
                    print("ppp-fuzz: cannot open \(path)")
                    continue
                }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = fread(&buffer, 1, buffer.count, file)
                    if count <= 0 { break }
                    bytes += buffer.prefix(count)
                }
                fclose(file)
                fuzzOne(bytes)
                print("ppp-fuzz: \(path) (\(bytes.count) bytes) ok")
            }
        }
    }
#endif
