import FTTHCore

/// Every simulated OLT of a configuration, with its MIB, sharing one clock.
public final class OLTSimulator: Sendable {
    public let configuration: SimConfiguration
    public let olts: [SimulatedOLT]
    public let mibs: [SimulatedMIB]
    public let clock: any SimClock

    public init(configuration: SimConfiguration, clock: any SimClock = ContinuousSimClock()) {
        self.configuration = configuration
        self.clock = clock
        olts = configuration.olts.map {
            SimulatedOLT(
                config: $0, clock: clock, registrationSeconds: configuration.registrationSeconds,
                variationSeed: configuration.variationSeed, readingErrorDB: configuration.readingErrorDB)
        }
        mibs = olts.map(SimulatedMIB.init)
    }

    /// The OLT with this management address.
    public func olt(_ address: ManagementAddress) -> SimulatedOLT? { olts.first { $0.config.address == address } }

    /// The MIB of the OLT with this management address.
    public func mib(_ address: ManagementAddress) -> SimulatedMIB? { mibs.first { $0.olt.config.address == address } }
}
