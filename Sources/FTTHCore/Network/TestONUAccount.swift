/// Which ONUs on a PON port are test ONUs that must go. A test ONU carries its port's test name
/// (the naming rule makes it unique), so every ONU with that name is ours, whichever run added
/// it; a customer's ONU never carries it and is never chosen.
public enum TestONUAccount {
    /// The test ONUs of a port that is about to be provisioned with `serial`: every ONU named
    /// `testONUName` with another serial (all of them when the new ONU authenticates by
    /// password). One with `serial` itself is kept: provisioning takes it up again.
    public static func stale(_ onus: [ONUEntry], testONUName: String, keeping serial: ONUSerial?) -> [ONUEntry] {
        onus.filter { $0.name == testONUName && (serial == nil || $0.serial != serial) }
    }

    /// Test ONUs of a port that the store does not account for: every ONU named `testONUName`
    /// when the port is not activated; when it is, the ones whose id is not among `held` (the
    /// ids the port's runs added and still hold). With nothing held (an activation recorded
    /// before runs kept their ONUs), none is taken for a stray.
    public static func strays(_ onus: [ONUEntry], testONUName: String, activated: Bool, held: Set<Int>) -> [ONUEntry] {
        let named = onus.filter { $0.name == testONUName }
        if !activated { return named }
        if held.isEmpty { return [] }
        return named.filter { !held.contains($0.onuID) }
    }
}
