import Foundation

/// How test ONUs authenticate (`[activation]` in ftth-acceptd.toml), by the test ONT's serial
/// (the default) or by a per-port password the crew sets on the test ONT (LOID password).
public struct ActivationPolicy: Sendable, Hashable {
    /// How test ONUs authenticate on every OLT not named in `passwordOLTs`.
    public var authentication: ONUAuthentication = .serial
    /// OLTs (management addresses) whose test ONUs authenticate by password.
    public var passwordOLTs: Set<ManagementAddress> = []
    /// How a port's password is made.
    public var passwordRule: ONUPasswordRule = .standard

    /// Serial authentication everywhere, and the standard password rule for OLTs switched over.
    public init() {}

    /// How the test ONUs of `olt` authenticate.
    public func authentication(for olt: ManagementAddress) -> ONUAuthentication {
        passwordOLTs.contains(olt) ? .password : authentication
    }

    /// A new password by ``passwordRule``, from the system's random source.
    public func newPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return passwordRule.generate(using: &generator)
    }
}

extension AcceptanceStore {
    /// Gives the ports of `plan`'s projects on OLTs that authenticate test ONUs by password
    /// their passwords, right after the import, so the crew finds them on the activation list
    /// before the first test. Returns how many ports got one.
    public func assignONUPasswords(for plan: ProjectImportPlan, policy: ActivationPolicy, at: Date) async throws -> Int
    {
        let olts = Set(plan.olts.map(\.value.address).filter { policy.authentication(for: $0) == .password })
        guard !olts.isEmpty else { return 0 }
        var assigned = 0
        for project in plan.projects {
            assigned += try await assignONUPasswords(
                projectCode: project.value.code, olts: olts, generate: { policy.newPassword() }, at: at)
        }
        return assigned
    }
}
