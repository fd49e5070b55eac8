/// The four powers of one port test, and the optional diagnostics an ONU reports with them.
public struct OpticalReadings: Sendable, Hashable, Codable {
    /// OLT PON port transmit power.
    public var oltTx: PowerReading
    /// OLT receive power of this ONU's upstream signal.
    public var oltRx: PowerReading
    /// ONU transmit power.
    public var onuTx: PowerReading
    /// ONU receive power: the value the build and user limits judge.
    public var onuRx: PowerReading
    /// ONU module temperature in °C.
    public var temperatureCelsius: Double?
    /// ONU module supply voltage in V.
    public var voltageVolts: Double?
    /// ONU laser bias current in mA.
    public var biasMilliamps: Double?
    /// OLT-measured distance to the ONU in metres.
    public var distanceMetres: Int?

    public init(
        oltTx: PowerReading, oltRx: PowerReading, onuTx: PowerReading, onuRx: PowerReading,
        temperatureCelsius: Double? = nil, voltageVolts: Double? = nil, biasMilliamps: Double? = nil,
        distanceMetres: Int? = nil
    ) {
        self.oltTx = oltTx
        self.oltRx = oltRx
        self.onuTx = onuTx
        self.onuRx = onuRx
        self.temperatureCelsius = temperatureCelsius
        self.voltageVolts = voltageVolts
        self.biasMilliamps = biasMilliamps
        self.distanceMetres = distanceMetres
    }

    /// Downstream attenuation = OLT tx − ONU rx; nil when either power is missing.
    public var downstreamAttenuation: Decibels? {
        guard let tx = oltTx.value, let rx = onuRx.value else { return nil }
        return tx - rx
    }

    /// Upstream attenuation = ONU tx − OLT rx; nil when either power is missing.
    public var upstreamAttenuation: Decibels? {
        guard let tx = onuTx.value, let rx = oltRx.value else { return nil }
        return tx - rx
    }
}
