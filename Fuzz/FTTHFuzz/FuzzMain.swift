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
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[1]) else {
            print(FuzzTarget.usage)
            return 2
        }
        selectedTarget = target
        // libFuzzer keeps pointers into argv for its whole run: this copy is never freed.
        let kept = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: Int(argc))
        kept[0] = argv?[0]
        for i in 2..<Int(argc) { kept[i - 1] = argv?[i] }
        kept[Int(argc) - 1] = nil
        var count = argc - 1
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
