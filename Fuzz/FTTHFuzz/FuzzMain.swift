#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

#if FTTH_FUZZING
    /// The target libFuzzer's callback feeds; set once by `ftth_fuzz_main` before the driver starts,
    /// and read only from libFuzzer's one fuzzing thread.
    nonisolated(unsafe) var selectedTarget: FuzzTarget?

    /// libFuzzer's entry point (its own `main`, which SwiftPM's `--defsym main=` overrides, still
    /// refers to it): feeds the target picked on the command line.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        selectedTarget?.run(bytes)
        return 0
    }

    /// libFuzzer's driver, linked in by -sanitize=fuzzer.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable's `main` to `<module>_main` (here `ftth_fuzz_main`); with
    /// -parse-as-library there is none, so this one picks the target named by the first argument
    /// and hands the rest of the command line to libFuzzer's driver.
    @_cdecl("ftth_fuzz_main")
    public func ftthFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        let arguments = (0..<Int(argc)).map { argv?[$0].map { String(cString: $0) } ?? "" }
        if arguments.count >= 2, arguments[1] == "seed" {
            return FuzzCommand.seed(Array(arguments.dropFirst(2)))
        }
        // libFuzzer runs itself again for -minimize_crash, -merge and -fork with the command line it
        // was given, which lacks the target's name: the environment carries it to those runs.
        let inherited = getenv("FTTH_FUZZ_TARGET").map { String(cString: $0) }
        let named = arguments.count >= 2 ? FuzzTarget.named(arguments[1]) : nil
        guard let target = named ?? inherited.flatMap(FuzzTarget.named) else {
            print(FuzzTarget.usage)
            return 2
        }
        selectedTarget = target
        setenv("FTTH_FUZZ_TARGET", target.name, 1)
        // libFuzzer keeps pointers into argv for its whole run: this copy is never freed.
        let dropped = named == nil ? 0 : 1
        let kept = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: Int(argc) + 1)
        kept[0] = argv?[0]
        for i in (1 + dropped)..<Int(argc) { kept[i - dropped] = argv?[i] }
        kept[Int(argc) - dropped] = nil
        var count = argc - Int32(dropped)
        var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = kept
        return LLVMFuzzerRunDriver(&count, &pointer) { data, size in LLVMFuzzerTestOneInput(data, size) }
    }
#else
    /// Replays inputs (a crash file, a corpus) without libFuzzer: `ftth-fuzz TARGET FILE…`.
    @main
    struct FTTHFuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "seed" {
                exit(FuzzCommand.seed(Array(arguments.dropFirst())))
            }
            guard let name = arguments.first, let target = FuzzTarget.named(name), arguments.count >= 2 else {
                print(FuzzTarget.usage)
                exit(2)
            }
            exit(FuzzCommand.replay(target, paths: Array(arguments.dropFirst())))
        }
    }
#endif
