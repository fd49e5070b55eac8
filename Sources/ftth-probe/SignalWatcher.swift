import Dispatch
import Foundation
import PPPoELink
import Synchronization

/// SIGINT and SIGTERM hang the session up cleanly (LCP Terminate, PADT) instead of killing the
/// probe mid-session; a second signal exits at once.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(closer: PPPoESessionRunner.Closer, note: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "ftth-probe.signals")
        let count = SignalCount()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if count.value.add(1, ordering: .relaxed).newValue > 1 {
                    FileHandle.standardError.write(Data("second signal: exiting without hanging up\n".utf8))
                    exit(1)
                }
                note(number)
                closer.close()
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// How many signals arrived.
private final class SignalCount: Sendable {
    let value = Atomic<Int>(0)
}
