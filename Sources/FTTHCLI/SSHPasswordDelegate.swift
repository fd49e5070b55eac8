import CLIModel
import NIOCore
import NIOSSH

/// Offers the configured password once; a second request means the OLT refused it.
final class SSHPasswordDelegate: NIOSSHClientUserAuthenticationDelegate {
    private let target: String
    private let username: String
    private let password: String
    private var offered = false

    init(target: String, username: String, password: String) {
        self.target = target
        self.username = username
        self.password = password
    }

    func nextAuthenticationType(
        availableMethods: NIOSSHAvailableUserAuthenticationMethods,
        nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>
    ) {
        guard availableMethods.contains(.password) else {
            nextChallengePromise.fail(
                CLIError(
                    .authenticationFailed, target: target,
                    message: "the OLT does not accept password authentication over SSH for user '\(username)'; "
                        + "enable it on the OLT or use Telnet"))
            return
        }
        guard !offered else {
            nextChallengePromise.fail(
                CLIError(
                    .authenticationFailed, target: target,
                    message: "the OLT refused the SSH password of user '\(username)': check the user name and "
                        + "password configured for this OLT"))
            return
        }
        offered = true
        nextChallengePromise.succeed(
            NIOSSHUserAuthenticationOffer(
                username: username, serviceName: "", offer: .password(.init(password: password))))
    }
}
