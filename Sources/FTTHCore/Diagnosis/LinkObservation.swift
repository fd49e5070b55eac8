import Foundation

/// One recorded line result of a port, as the diagnosis sees it: the readings, the test ONT it
/// was measured with, and what the design predicted for that port.
public struct LinkObservation: Sendable, Hashable, Codable {
    public var port: PortKey
    /// The test ONT's serial, when known.
    public var serial: ONUSerial?
    public var at: Date
    public var readings: OpticalReadings
    /// What the link should lose; nil when no fibre length is known.
    public var prediction: LossPrediction?

    public init(
        port: PortKey, serial: ONUSerial?, at: Date, readings: OpticalReadings, prediction: LossPrediction?
    ) {
        self.port = port
        self.serial = serial
        self.at = at
        self.readings = readings
        self.prediction = prediction
    }

    /// The splitter this port belongs to, unique across projects.
    public var splitter: SplitterKey { SplitterKey(projectCode: port.projectCode, name: port.splitter) }
}

/// A splitter of a project, by its project code and name.
public struct SplitterKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var projectCode: String
    public var name: String

    public init(projectCode: String, name: String) {
        self.projectCode = projectCode
        self.name = name
    }

    public static func < (a: SplitterKey, b: SplitterKey) -> Bool { (a.projectCode, a.name) < (b.projectCode, b.name) }

    public var description: String { name }
}

/// What a link's readings say about its loss, before any pattern.
public enum LinkState: Sendable, Hashable {
    /// No light reached the ONU, or the OLT never heard it: the ONU stayed offline.
    case dark
    /// Measured; `excess` is how many dB it loses beyond the prediction (the larger of the two
    /// directions), `lossy` whether that is beyond the margin.
    case measured(excess: Double, lossy: Bool)
    /// Some power is missing for another reason (refused, sentinel): nothing to compare.
    case unknown

    /// Dark or lossy.
    public var isBad: Bool {
        switch self {
        case .dark: true
        case .measured(_, let lossy): lossy
        case .unknown: false
        }
    }

    /// Measured and within the margin.
    public var isFine: Bool {
        if case .measured(_, false) = self { return true }
        return false
    }
}

extension LinkObservation {
    /// A receive power worth comparing: vendors print 0.000 or −80 for "nothing", and a real
    /// receiver reads between about −40 and −1 dBm.
    static func usableRx(_ r: PowerReading) -> Double? {
        guard let v = r.value?.value, v > -40, v < 0 else { return nil }
        return v
    }

    /// A transmit power worth comparing (V-SOL reports exactly 0.000 on an empty port).
    static func usableTx(_ r: PowerReading) -> Double? {
        guard let v = r.value?.value, v > -10, v < 10, v != 0 else { return nil }
        return v
    }

    /// Measured downstream loss (OLT tx − ONU rx), when both are usable.
    public var measuredDownstream: Double? {
        guard let tx = Self.usableTx(readings.oltTx), let rx = Self.usableRx(readings.onuRx) else { return nil }
        return tx - rx
    }

    /// Measured upstream loss (ONU tx − OLT rx), when both are usable.
    public var measuredUpstream: Double? {
        guard let tx = Self.usableTx(readings.onuTx), let rx = Self.usableRx(readings.oltRx) else { return nil }
        return tx - rx
    }

    /// Downstream loss beyond the prediction, dB.
    public var excessDownstream: Double? {
        guard let m = measuredDownstream, let p = prediction else { return nil }
        return m - p.downstream.value
    }

    /// Upstream loss beyond the prediction, dB.
    public var excessUpstream: Double? {
        guard let m = measuredUpstream, let p = prediction else { return nil }
        return m - p.upstream.value
    }

    /// The link's state against `figures`' margin.
    public func state(_ figures: LossFigures) -> LinkState {
        if readings.onuOffline { return .dark }
        let excesses = [excessDownstream, excessUpstream].compactMap { $0 }
        guard let worst = excesses.max() else { return .unknown }
        return .measured(excess: worst, lossy: worst > figures.marginDB)
    }
}
