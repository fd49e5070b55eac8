/// RFC 3416 error-status values, for ``MIBView/set(_:context:)`` results and responses.
public enum SNMPErrorStatus {
    /// noError(0)
    public static let noError = 0
    /// tooBig(1)
    public static let tooBig = 1
    /// noSuchName(2), SNMPv1 only.
    public static let noSuchName = 2
    /// badValue(3), SNMPv1 only.
    public static let badValue = 3
    /// readOnly(4), SNMPv1 only.
    public static let readOnly = 4
    /// genErr(5)
    public static let genErr = 5
    /// noAccess(6)
    public static let noAccess = 6
    /// wrongType(7)
    public static let wrongType = 7
    /// wrongLength(8)
    public static let wrongLength = 8
    /// wrongEncoding(9)
    public static let wrongEncoding = 9
    /// wrongValue(10)
    public static let wrongValue = 10
    /// noCreation(11)
    public static let noCreation = 11
    /// inconsistentValue(12)
    public static let inconsistentValue = 12
    /// resourceUnavailable(13)
    public static let resourceUnavailable = 13
    /// commitFailed(14)
    public static let commitFailed = 14
    /// undoFailed(15)
    public static let undoFailed = 15
    /// authorizationError(16)
    public static let authorizationError = 16
    /// notWritable(17)
    public static let notWritable = 17
    /// inconsistentName(18)
    public static let inconsistentName = 18

    /// The SNMPv1 status for an SNMPv2 one (RFC 3584 §4.4).
    static func v1(_ status: Int) -> Int {
        switch status {
        case wrongValue, wrongEncoding, wrongType, wrongLength, inconsistentValue: badValue
        case noAccess, notWritable, noCreation, inconsistentName, authorizationError: noSuchName
        case resourceUnavailable, commitFailed, undoFailed: genErr
        case noError, tooBig, noSuchName, badValue, readOnly, genErr: status
        default: genErr
        }
    }
}
