import FTTHCore

extension OLTDriverError {
    /// The test ONT's serial (or password) is already configured on the PON port as an ONU that
    /// is not this test ONU (a customer's, or another port's test ONU): provisioning does not
    /// take it over. `credential` says which: "serial HWTC…" or "password …".
    static func alreadyAnotherONU(
        _ credential: String, onuID: Int, name: String?, pon: PONAddress, wanted: String, olt: String
    ) -> OLTDriverError {
        let named = name.map { $0.isEmpty ? "" : " ('\($0)')" } ?? ""
        return OLTDriverError(
            .rejected, olt: olt,
            message:
                "\(credential) is already ONU \(onuID)\(named) on PON \(pon), not test ONU \(wanted): check the test ONT's \(credential.hasPrefix("serial") ? "serial" : "password"); if that ONU is a test ONU left behind, remove it on the OLT first"
        )
    }
}
