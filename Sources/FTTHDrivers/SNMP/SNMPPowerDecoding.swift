import FTTHCore
import SNMPModel

/// Turns raw SNMP integers into powers. A vendor sentinel or a value outside the plausible range
/// becomes "no reading" with the raw value kept, never a number.
enum SNMPPowerDecoding {
    /// Huawei and ZTE "no value".
    static let invalid32: Int64 = 2_147_483_647

    /// `raw` in units of 1/`divisor` dBm, after subtracting `offset` (Huawei OLT rx: offset 10000).
    static func decode(
        _ value: SNMPValue?, divisor: Int64, offset: Int64 = 0, sentinels: Set<Int64> = [invalid32]
    ) -> PowerReading {
        guard let value, !value.isException else { return .missing(.absent) }
        guard let raw = value.intValue else { return .missing(.garbled, raw: value.description) }
        if sentinels.contains(raw) { return .missing(.sentinel, raw: String(raw)) }
        // Work in hundredths without floating point: (raw - offset) / divisor dBm.
        let scaled = (raw - offset) * 100
        let centi = scaled >= 0 ? (scaled + divisor / 2) / divisor : -((-scaled + divisor / 2) / divisor)
        let power = DBm(centi: Int(centi))
        guard PowerReading.plausibleRange.contains(power) else { return .missing(.outOfRange, raw: String(raw)) }
        return .dBm(power)
    }

    /// ZTE per-ONU power: raw × 0.002 − 30 dBm; 65535 means none.
    static func decodeZTEONU(_ value: SNMPValue?) -> PowerReading {
        guard let value, !value.isException else { return .missing(.absent) }
        guard let raw = value.intValue else { return .missing(.garbled, raw: value.description) }
        if raw == 65535 || raw == invalid32 { return .missing(.sentinel, raw: String(raw)) }
        // raw × 0.2 − 3000 hundredths.
        let centi = raw * 2 / 10 - 3000 + ((raw * 2) % 10 >= 5 ? 1 : 0)
        let power = DBm(centi: Int(centi))
        guard PowerReading.plausibleRange.contains(power) else { return .missing(.outOfRange, raw: String(raw)) }
        return .dBm(power)
    }

    /// A reading of an ONU that is not online: its table rows hold sentinels or stale values, so
    /// no value is trusted; the raw value stays in the record.
    static func offline(_ reading: PowerReading, rawValue: SNMPValue?) -> PowerReading {
        switch reading {
        case .dBm(let v): .missing(.onuOffline, raw: v.decimalString)
        case .noReading(let n): .missing(.onuOffline, raw: n.raw)
        }
    }
}
