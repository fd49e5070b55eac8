import FTTHCore
import PropertyBased

// Small helpers shared by the FTTHCore tests. The force unwraps are on literals the tests
// control; a typo in a fixture should crash loudly rather than test the wrong thing.

/// A management address from a literal that must be valid.
func address(_ text: String) -> ManagementAddress { ManagementAddress(text)! }

/// A VLAN id from a literal that must be valid.
func vlan(_ value: Int) -> VLANID { VLANID(value)! }

/// A PON address from a literal that must be valid.
func pon(_ text: String) -> PONAddress { PONAddress(text)! }

/// A power reading of `centi` hundredths of a dBm, or "no reading" for nil.
func power(_ centi: Int?) -> PowerReading {
    centi.map { .dBm(DBm(centi: $0)) } ?? .missing(.absent)
}

/// Four readings given in hundredths of a dBm; nil is "no reading".
func readings(oltTx: Int?, oltRx: Int?, onuTx: Int?, onuRx: Int?) -> OpticalReadings {
    OpticalReadings(oltTx: power(oltTx), oltRx: power(oltRx), onuTx: power(onuTx), onuRx: power(onuRx))
}

/// Healthy readings that pass both default profiles: OLT tx 3.00, OLT rx −22.00, ONU tx 2.00,
/// ONU rx −18.00 (downstream 21.00 dB, upstream 24.00 dB).
let healthyReadings = readings(oltTx: 300, oltRx: -2200, onuTx: 200, onuRx: -1800)

/// A generator picking one of `values` (never empty).
func oneOf<T: Sendable>(_ values: [T]) -> Generator<T, Shrink.None<T?>> {
    Gen<T?>.element(of: values).map { $0! }
}
