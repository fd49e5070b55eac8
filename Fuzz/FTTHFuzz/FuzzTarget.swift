#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// One parser of outside bytes under libFuzzer: a name for the command line, what it feeds, and
/// the seeds it makes itself (most targets are seeded from the recorded fixtures by the script).
struct FuzzTarget: Sendable {
    /// The first argument that picks this target: `ftth-fuzz snmp …`.
    let name: String
    /// One line for the usage text.
    let summary: String
    /// Feeds one input; must never trap, whatever the bytes.
    let run: @Sendable ([UInt8]) -> Void
    /// Inputs built in code from fixture files given on the command line (encoded requests,
    /// framed payloads), written by `ftth-fuzz seed`.
    var seeds: @Sendable (_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] = { _ in [] }

    /// Every target, in the order the script runs them.
    static let all: [FuzzTarget] = [
        PPPCoreFuzz.target, SNMPAgentFuzz.target, TelnetFuzz.target, CLIOutputFuzz.target, CSVImportFuzz.target,
        WireJSONFuzz.target, TOMLConfigFuzz.target, UploadFuzz.target, XLSXImportFuzz.target,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    static var usage: String {
        let names = all.map { "  \($0.name)\(String(repeating: " ", count: max(1, 8 - $0.name.count)))\($0.summary)" }
        return """
            usage: ftth-fuzz TARGET [libFuzzer options] [CORPUS…]   (a FTTH_FUZZ=1 build: fuzzes)
                   ftth-fuzz TARGET FILE…                           (a plain build: replays inputs)
                   ftth-fuzz seed TARGET DIRECTORY [FIXTURE…]       (writes seeds the target builds from fixtures)
            targets:
            \(names.joined(separator: "\n"))
            """
    }
}

/// What both builds do with a command line: seeding, and replaying files without libFuzzer.
enum FuzzCommand {
    /// `seed TARGET DIRECTORY [FIXTURE…]`: writes the seeds the target builds; the exit status.
    static func seed(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[0]) else {
            print(FuzzTarget.usage)
            return 2
        }
        for (name, bytes) in target.seeds(Array(arguments.dropFirst(2))) {
            let path = "\(arguments[1])/\(name)"
            guard let file = fopen(path, "wb") else {
                print("ftth-fuzz: cannot write \(path): does the directory \(arguments[1]) exist?")
                return 1
            }
            _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        return 0
    }

    /// `TARGET FILE…`: feeds each file to the target once, as libFuzzer would; a crash traps here too.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        for path in paths {
            guard let bytes = read(path) else {
                print("ftth-fuzz: cannot open \(path)")
                return 1
            }
            target.run(bytes)
            print("ftth-fuzz \(target.name): \(path) (\(bytes.count) bytes) ok")
        }
        return 0
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer.prefix(count)
        }
        return bytes
    }
}
