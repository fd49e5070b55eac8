import CLIModel
import NIOCore
import NIOSSH

/// Accepts only the host key pinned in the configuration: an unpinned or different key could be
/// a machine in the middle, so it is refused with the key offered, for a person to check.
final class SSHPinnedHostKeyDelegate: NIOSSHClientServerAuthenticationDelegate {
    private let target: String
    private let pinned: NIOSSHPublicKey?

    init(target: String, pinned: NIOSSHPublicKey?) {
        self.target = target
        self.pinned = pinned
    }

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        let offered = String(openSSHPublicKey: hostKey)
        let why: String
        switch pinned {
        case .some(let pinned) where pinned == hostKey:
            validationCompletePromise.succeed(())
            return
        case .some(let pinned):
            why = "it differs from the host key pinned for this OLT (\(String(openSSHPublicKey: pinned)))"
        case .none:
            why = "no host key is pinned for this OLT"
        }
        validationCompletePromise.fail(
            CLIError(
                .hostKeyRejected, target: target,
                message: "refused the OLT's SSH host key \(offered): \(why). Check the key on the OLT's console, "
                    + "then pin it as host_key = \"\(offered)\" in this OLT's configuration"))
    }
}
