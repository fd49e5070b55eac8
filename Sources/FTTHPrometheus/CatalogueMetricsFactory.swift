import CoreMetrics
import FTTHMetrics
import Prometheus

/// swift-metrics' factory over a `PrometheusCollectorRegistry` that gives every series of the
/// catalogue (``FTTHMetrics/FTTHMetric``) its help line and its buckets. `PrometheusMetricsFactory`
/// writes no help (swift-metrics has none to give), which `promtool check metrics` reports;
/// this one does, and a series from a library outside the catalogue gets a help line saying so.
///
/// Each daemon (and each test) has a registry of its own; the daemon's executable also bootstraps
/// swift-metrics with this factory once, so libraries' metrics land in the same registry.
public struct CatalogueMetricsFactory: MetricsFactory {
    /// The registry every handler is made in: what ``PrometheusExposition`` writes out.
    public let registry: PrometheusCollectorRegistry

    /// Handlers in `registry` (a new, empty one unless given).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The help line of `name`: the catalogue's, or a note that a library reported it.
    static func help(_ name: String) -> String {
        FTTHMetric(name: name)?.help ?? "Reported through swift-metrics by a library; not in ftth-acceptd's catalogue."
    }

    /// `name` with its help line, as the registry takes it (the name is used whole, no unit added).
    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help(name))
    }

    /// Seconds buckets of `name` from the catalogue, or Prometheus' usual ones.
    static func buckets(_ name: String) -> [Double] {
        if let metric = FTTHMetric(name: name), case .histogram(let buckets) = metric.kind { return buckets }
        return [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(
            descriptor: Self.descriptor(label), labels: dimensions, buckets: Self.buckets(label))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: Self.descriptor(label), labels: dimensions,
            buckets: Self.buckets(label).map { Duration.seconds($0) })
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge {
            registry.unregisterGauge(gauge)
        } else if let histogram = handler as? ValueHistogram {
            registry.unregisterValueHistogram(histogram)
        }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

/// What `GET /metrics` answers: the registry in Prometheus' text exposition format 0.0.4.
public struct PrometheusExposition: MetricsExposition {
    let registry: PrometheusCollectorRegistry

    /// Writes out `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public var contentType: String { "text/plain; version=0.0.4; charset=utf-8" }

    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
