import FTTHCore
import Synchronization

/// What the OLT sees of one configured ONU at this moment.
public struct ONUObservation: Sendable, Hashable {
    public var runState: ONURunState
    /// Powers in dBm; nil when the ONU is not online.
    public var onuRxDBm: Double?
    public var onuTxDBm: Double?
    public var oltRxDBm: Double?
    public var distanceMetres: Int?
    public var temperatureCelsius: Int
    public var voltageMillivolts: Int
    public var biasMilliamps: Int
}

/// A test or customer ONU configured on a simulated OLT.
public struct ConfiguredONU: Sendable, Hashable {
    public var id: Int
    public var serial: ONUSerial?
    public var password: String?
    public var name: String
    public var lineProfile: String
    public var serviceProfile: String
    /// When it was configured (simulation seconds): registration takes a while after that.
    public var configuredAt: Double
    /// ZTE interface configuration given after the ONU itself: `tcont N profile P` and
    /// `gemport N tcont T` lines as entered, for `show running-config interface`.
    public var interfaceLines: [String] = []
}

/// A service-port: the traffic of one ONU's GEM port with a user VLAN, carried on an SVLAN.
/// Huawei numbers them OLT-wide (lowest free index from 0); ZTE numbers them per ONU interface.
public struct SimServicePort: Sendable, Hashable {
    /// Huawei: the OLT-wide index; ZTE: the service-port number on the ONU interface.
    public var index: Int
    public var pon: PONAddress
    public var onuID: Int
    public var svlan: Int
    /// The user (customer) VLAN the ONU's traffic arrives with.
    public var cvlan: Int
    public var gemport: Int
    /// ZTE: the virtual port on the ONU; Huawei: 1.
    public var vport: Int

    public init(index: Int, pon: PONAddress, onuID: Int, svlan: Int, cvlan: Int, gemport: Int, vport: Int = 1) {
        self.index = index
        self.pon = pon
        self.onuID = onuID
        self.svlan = svlan
        self.cvlan = cvlan
        self.gemport = gemport
        self.vport = vport
    }
}

/// Why the simulated OLT refused a configuration change, in the words an OLT would use.
public struct SimRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case noSuchPort, idInUse, serialInUse, noFreeID, unknownProfile, badValue, noSuchONU
        /// The ONU still has service-ports (Huawei refuses to delete it).
        case hasServicePorts
        /// The service-port exists already, or does not exist.
        case servicePortInUse, noSuchServicePort
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// One simulated OLT: its configuration, the ONUs configured on it, and the ODN physics that
/// decide whether they register and what light they see.
public final class SimulatedOLT: Sendable {
    public let config: SimOLT
    let clock: any SimClock
    let registrationSeconds: Double
    let state: Mutex<State>
    /// What goes with each ONT of the configuration (the plugged ones and the crews') wherever it
    /// is plugged, by serial.
    let devices: [ONUSerial: ONTDevice]
    /// The spread of parts (`variation_seed`); nil: every part typical.
    let variation: SimVariation?
    /// How far a receive power may read off the truth (``SimConfiguration/readingErrorDB``).
    let readingErrorDB: Double
    let readingVariation: SimVariation

    /// The parts of an ONT that travel with it: its laser and its own connector.
    struct ONTDevice {
        var txDBm: Double?
        var faults: [PathFault]
        var neverRegisters: Bool
    }

    /// What one ONT at one port sees: the path with every fault on it, and the ONT's laser.
    struct Link {
        var path: OpticalPath
        var onuTxDBm: Double
        var neverRegisters: Bool
    }

    struct State {
        var configured: [PONAddress: [Int: ConfiguredONU]] = [:]
        /// Where each ONT is plugged: PON, splitter index, port.
        var plugged: [ONUSerial: Location] = [:]
        /// The plugged ONTs that authenticate by password, by password.
        var passwords: [String: ONUSerial] = [:]
        var servicePorts: [SimServicePort] = []
        /// Bumped on every configuration change, so MIB views know to re-index.
        var generation = 0
        /// ONUs whose optics the OLT refuses to read, with the reason it gives.
        var opticsRefusals: [ONUKey: String] = [:]
        /// How often each ONU's optics were asked for.
        var opticsQueries: [ONUKey: Int] = [:]
    }

    struct ONUKey: Hashable {
        var pon: PONAddress
        var id: Int
    }

    struct Location: Hashable {
        var pon: PONAddress
        var splitter: Int
        var port: Int
    }

    /// The ONU ids of the dialect: Huawei 0…127, ZTE 1…128.
    public var onuIDRange: ClosedRange<Int> { config.dialect.isHuawei ? 0...127 : 1...128 }

    /// An OLT over its ODN. With `variationSeed` its parts spread around their typical figures
    /// (``SimConfiguration/variationSeed``).
    public init(
        config: SimOLT, clock: any SimClock, registrationSeconds: Double, variationSeed: UInt64? = nil,
        readingErrorDB: Double = 0
    ) {
        self.readingErrorDB = readingErrorDB
        readingVariation = SimVariation(seed: variationSeed ?? 0)
        self.config = config
        self.clock = clock
        self.registrationSeconds = registrationSeconds
        variation = variationSeed.map(SimVariation.init(seed:))
        var devices: [ONUSerial: ONTDevice] = [:]
        for crew in config.crewONTs {
            devices[crew.serial] = ONTDevice(
                txDBm: crew.txDBm, faults: crew.faults, neverRegisters: crew.neverRegisters)
        }
        var s = State()
        for pon in config.pons {
            s.configured[pon.address] = [:]
            for (si, splitter) in pon.splitters.enumerated() {
                for ont in splitter.onts {
                    devices[ont.serial] = ONTDevice(
                        txDBm: ont.txDBm, faults: ont.ontFaults, neverRegisters: ont.neverRegisters)
                    s.plugged[ont.serial] = Location(pon: pon.address, splitter: si, port: ont.port)
                    if let password = ont.password { s.passwords[password] = ont.serial }
                    if let id = ont.provisionedID {
                        // Customer ONUs configured long ago: already registered at start.
                        s.configured[pon.address]![id] = ConfiguredONU(
                            id: id, serial: ont.serial, name: ont.name ?? "onu-\(id)", lineProfile: "customer",
                            serviceProfile: "customer", configuredAt: -registrationSeconds)
                    }
                }
            }
        }
        state = Mutex(s)
        self.devices = devices
    }

    /// Bumped on every configuration change.
    public var generation: Int { state.withLock { $0.generation } }

    public func pon(_ address: PONAddress) -> SimPON? { config.pons.first { $0.address == address } }

    /// The ONUs configured on a PON port, by id.
    public func configuredONUs(on pon: PONAddress) -> [ConfiguredONU] {
        state.withLock { s in (s.configured[pon] ?? [:]).values.sorted { $0.id < $1.id } }
    }

    /// All configured ONUs of the OLT, by PON port.
    public func allConfigured() -> [PONAddress: [ConfiguredONU]] {
        state.withLock { s in s.configured.mapValues { $0.values.sorted { $0.id < $1.id } } }
    }

    /// Configures an ONU. With `id` nil the lowest free id of the dialect is taken. Configuring
    /// a serial that is already on the port returns its id (as a driver's retry over SNMP would
    /// expect) unless `allowExisting` is false, as on a CLI (`Failure: SN already exists`).
    @discardableResult
    public func configure(
        pon: PONAddress, id: Int?, serial: ONUSerial?, password: String? = nil, name: String, lineProfile: String,
        serviceProfile: String, allowExisting: Bool = true
    ) throws(SimRefusal) -> Int {
        let idRange = onuIDRange
        if let id, !idRange.contains(id) {
            throw SimRefusal(kind: .badValue, message: "Failure: The ONT ID \(id) is out of range \(idRange)")
        }
        guard self.pon(pon) != nil else {
            throw SimRefusal(kind: .noSuchPort, message: "Failure: The port does not exist")
        }
        guard config.lineProfiles.contains(lineProfile) else {
            throw SimRefusal(kind: .unknownProfile, message: "Failure: The line profile does not exist")
        }
        guard config.serviceProfiles.contains(serviceProfile) else {
            throw SimRefusal(
                kind: .unknownProfile, message: "Failure: The service profile does not exist")
        }
        let now = clock.now()
        let result: Result<Int, SimRefusal> = state.withLock { s in
            var onus = s.configured[pon] ?? [:]
            if let serial, let existing = onus.values.first(where: { $0.serial == serial }) {
                if allowExisting, id == nil || id == existing.id { return .success(existing.id) }
                return .failure(SimRefusal(kind: .serialInUse, message: "Failure: SN already exists"))
            }
            if let serial {
                let elsewhere = s.configured.contains { other, list in
                    other != pon && list.values.contains { $0.serial == serial }
                }
                if elsewhere { return .failure(SimRefusal(kind: .serialInUse, message: "Failure: SN already exists")) }
            }
            let chosen: Int
            if let id {
                guard onus[id] == nil else {
                    return .failure(SimRefusal(kind: .idInUse, message: "Failure: The ONT ID has already existed"))
                }
                chosen = id
            } else {
                guard let free = idRange.first(where: { onus[$0] == nil }) else {
                    return .failure(
                        SimRefusal(kind: .noFreeID, message: "Failure: The number of ONTs reaches the limit"))
                }
                chosen = free
            }
            onus[chosen] = ConfiguredONU(
                id: chosen, serial: serial, password: password, name: name, lineProfile: lineProfile,
                serviceProfile: serviceProfile, configuredAt: now)
            s.configured[pon] = onus
            s.generation += 1
            return .success(chosen)
        }
        return try result.get()
    }

    /// Removes a configured ONU and its service-ports; false when there was none.
    @discardableResult
    public func remove(pon: PONAddress, id: Int) -> Bool {
        state.withLock { s in
            guard s.configured[pon]?.removeValue(forKey: id) != nil else { return false }
            s.servicePorts.removeAll { $0.pon == pon && $0.onuID == id }
            s.generation += 1
            return true
        }
    }

    /// Deletes a configured ONU as Huawei does: refused while it has service-ports.
    public func delete(pon: PONAddress, id: Int) throws(SimRefusal) {
        let result: SimRefusal? = state.withLock { s in
            guard s.configured[pon]?[id] != nil else {
                return SimRefusal(kind: .noSuchONU, message: "Failure: The ONT does not exist")
            }
            if s.servicePorts.contains(where: { $0.pon == pon && $0.onuID == id }) {
                return SimRefusal(
                    kind: .hasServicePorts, message: "Failure: This configured object has some service virtual ports")
            }
            s.configured[pon]?.removeValue(forKey: id)
            s.generation += 1
            return nil
        }
        if let result { throw result }
    }

    /// Changes what a configured ONU is called, its line profile, or records a ZTE interface
    /// line (ZTE configures them after the ONU itself); false when there is no such ONU.
    @discardableResult
    public func update(
        pon: PONAddress, id: Int, name: String? = nil, lineProfile: String? = nil, interfaceLine: String? = nil
    ) -> Bool {
        state.withLock { s in
            guard var onu = s.configured[pon]?[id] else { return false }
            if let name { onu.name = name }
            if let lineProfile { onu.lineProfile = lineProfile }
            if let interfaceLine {
                // A T-CONT or GEM port given again replaces the earlier line of the same number.
                let key = interfaceLine.split(separator: " ").prefix(2).joined(separator: " ")
                onu.interfaceLines.removeAll { $0.split(separator: " ").prefix(2).joined(separator: " ") == key }
                onu.interfaceLines.append(interfaceLine)
            }
            s.configured[pon]?[id] = onu
            s.generation += 1
            return true
        }
    }

    /// Adds a service-port to a configured ONU. With `index` nil (Huawei) the lowest free
    /// OLT-wide index from 0 is taken; with an index (ZTE) it is the ONU's own number.
    /// Returns the index.
    @discardableResult
    public func addServicePort(
        pon: PONAddress, onuID: Int, index: Int?, svlan: Int, cvlan: Int, gemport: Int, vport: Int = 1
    ) throws(SimRefusal) -> Int {
        let result: Result<Int, SimRefusal> = state.withLock { s in
            guard s.configured[pon]?[onuID] != nil else {
                return .failure(SimRefusal(kind: .noSuchONU, message: "Failure: The ONT does not exist"))
            }
            let mine = s.servicePorts.filter { $0.pon == pon && $0.onuID == onuID }
            if mine.contains(where: { $0.svlan == svlan && $0.cvlan == cvlan && $0.gemport == gemport }) {
                return .failure(
                    SimRefusal(kind: .servicePortInUse, message: "Failure: Service virtual port has existed already"))
            }
            let chosen: Int
            if let index {
                guard !mine.contains(where: { $0.index == index }) else {
                    return .failure(
                        SimRefusal(
                            kind: .servicePortInUse, message: "Failure: Service virtual port has existed already"))
                }
                chosen = index
            } else {
                let used = Set(s.servicePorts.map(\.index))
                chosen = (0...).first { !used.contains($0) }!
            }
            s.servicePorts.append(
                SimServicePort(
                    index: chosen, pon: pon, onuID: onuID, svlan: svlan, cvlan: cvlan, gemport: gemport, vport: vport))
            s.generation += 1
            return .success(chosen)
        }
        return try result.get()
    }

    /// Removes a Huawei service-port by its OLT-wide index; false when there was none.
    @discardableResult
    public func removeServicePort(index: Int) -> Bool {
        state.withLock { s in
            guard let i = s.servicePorts.firstIndex(where: { $0.index == index }) else { return false }
            s.servicePorts.remove(at: i)
            s.generation += 1
            return true
        }
    }

    /// Removes a ZTE service-port by the ONU's own number; false when there was none.
    @discardableResult
    public func removeServicePort(pon: PONAddress, onuID: Int, index: Int) -> Bool {
        state.withLock { s in
            guard let i = s.servicePorts.firstIndex(where: { $0.pon == pon && $0.onuID == onuID && $0.index == index })
            else { return false }
            s.servicePorts.remove(at: i)
            s.generation += 1
            return true
        }
    }

    /// The service-ports of one ONU, or of the whole OLT with `pon` nil, by index.
    public func servicePorts(pon: PONAddress? = nil, onuID: Int? = nil) -> [SimServicePort] {
        state.withLock { s in
            s.servicePorts.filter { sp in
                (pon == nil || sp.pon == pon) && (onuID == nil || sp.onuID == onuID)
            }
        }.sorted { ($0.pon.description, $0.onuID, $0.index) < ($1.pon.description, $1.onuID, $1.index) }
    }

    /// The serial of the ONT that answers for a configured ONU: its own, or the plugged ONT
    /// whose password it was configured with.
    public func answeringSerial(pon: PONAddress, id: Int) -> ONUSerial? {
        state.withLock { s in
            guard let onu = s.configured[pon]?[id] else { return nil }
            return onu.serial ?? onu.password.flatMap { s.passwords[$0] }
        }
    }

    /// Moves an ONT to a splitter port: the crew unplugs it wherever it was and plugs it in here.
    /// Whatever ONT was in that port is unplugged (a port holds one). The ONT keeps its laser and
    /// its own faults (``SimFaultPlace/ontConnector``); the port keeps its drop and its faults.
    /// Any serial may be plugged, a crew ONT of `[[olt.crew_ont]]` or one the OLT has never seen
    /// (2.0 dBm, no faults). False when the PON, splitter or port does not exist.
    @discardableResult
    public func plug(_ serial: ONUSerial, pon: PONAddress, splitter: String, port: Int) -> Bool {
        guard let p = self.pon(pon), let si = p.splitters.firstIndex(where: { $0.name == splitter }),
            (1...p.splitters[si].ratio.outputs).contains(port)
        else { return false }
        let location = Location(pon: pon, splitter: si, port: port)
        state.withLock { s in
            s.plugged = s.plugged.filter { $0.value != location }
            s.plugged[serial] = location
            s.generation += 1
        }
        return true
    }

    /// Unplugs an ONT: it sees no light until plugged in again. False when it was in no port.
    @discardableResult
    public func unplug(_ serial: ONUSerial) -> Bool {
        state.withLock { s in
            guard s.plugged.removeValue(forKey: serial) != nil else { return false }
            s.generation += 1
            return true
        }
    }

    /// Where an ONT is plugged now: PON, splitter name and port; nil when in no port.
    public func location(of serial: ONUSerial) -> (pon: PONAddress, splitter: String, port: Int)? {
        guard let l = state.withLock({ $0.plugged[serial] }), let p = pon(l.pon) else { return nil }
        return (l.pon, p.splitters[l.splitter].name, l.port)
    }

    /// Sets the password (LOID) the plugged ONT `serial` answers with, as a crew types it into
    /// the test ONT's page: an ONU configured with that password registers as this ONT.
    public func setPassword(_ password: String, on serial: ONUSerial) {
        state.withLock { s in
            s.passwords = s.passwords.filter { $0.value != serial }
            s.passwords[password] = serial
            s.generation += 1
        }
    }

    /// What the ONT `serial` sees at this location: the path with the faults of every place on
    /// it (the PON's, the splitter input's, the port's, the drop's and the ONT's own), the drop of
    /// the port, and the ONT's laser. The port's drop and faults come from its `[[…port]]` table
    /// and from the ONT configured in that port, whichever ONT is plugged there now.
    func link(_ location: Location, serial: ONUSerial) -> Link? {
        guard let pon = pon(location.pon) else { return nil }
        let splitter = pon.splitters[location.splitter]
        let port = splitter.ports.first { $0.number == location.port }
        let resident = splitter.onts.first { $0.port == location.port }
        let device = devices[serial]
        let olt = config.address.description
        let ponName = pon.address.description
        let drop =
            port?.dropMetres ?? resident?.dropMetres
            ?? variation?.dropMetres(
                typical: splitter.dropMetres, olt: olt, pon: ponName, splitter: splitter.name, port: location.port)
            ?? splitter.dropMetres
        let deviation =
            variation?.componentDeviation(
                olt: olt, pon: ponName, splitter: splitter.name, port: location.port, connectors: splitter.connectors,
                splices: splitter.splices) ?? 0
        let faults: [PathFault] =
            pon.oltPortFaults + pon.feederFaults + splitter.faults + (port?.connectorFaults ?? [])
            + (port?.dropFaults ?? []) + (resident?.faults ?? []) + (device?.faults ?? [])
        let path = OpticalPath(
            fibreKm: splitter.fibreKm, dropMetres: drop, ratio: splitter.ratio,
            firstLevelRatio: splitter.firstLevelRatio,
            connectors: splitter.connectors, splices: splitter.splices, faults: faults, componentDeviationDB: deviation)
        let tx =
            device?.txDBm ?? variation?.ontTxDBm(typical: Self.typicalONTTxDBm, olt: olt, serial: serial.description)
            ?? Self.typicalONTTxDBm
        return Link(path: path, onuTxDBm: tx, neverRegisters: device?.neverRegisters ?? false)
    }

    /// An ONT's transmit power when its `tx_dbm` is not given.
    static let typicalONTTxDBm = 2.0

    /// ONU receive sensitivity and OLT receive sensitivity below which ranging fails.
    static let onuSensitivity = -30.0
    static let oltSensitivity = -32.0

    /// What the OLT sees of a configured ONU now.
    public func observe(pon: PONAddress, id: Int) -> ONUObservation? {
        let now = clock.now()
        let snapshot: (ConfiguredONU, Location?)? = state.withLock { s in
            guard let onu = s.configured[pon]?[id] else { return nil }
            let serial = onu.serial ?? onu.password.flatMap { s.passwords[$0] }
            return (onu, serial.flatMap { s.plugged[$0] })
        }
        guard let (onu, location) = snapshot else { return nil }
        let offline = ONUObservation(
            runState: .offline, onuRxDBm: nil, onuTxDBm: nil, oltRxDBm: nil, distanceMetres: nil,
            temperatureCelsius: 0, voltageMillivolts: 0, biasMilliamps: 0)
        guard let location, location.pon == pon,
            let serial = onu.serial ?? onu.password.flatMap({ p in state.withLock { $0.passwords[p] } }),
            let link = link(location, serial: serial), let ponConfig = self.pon(pon)
        else { return offline }
        let path = link.path
        if path.isBroken || link.neverRegisters || now - onu.configuredAt < registrationSeconds {
            return offline
        }
        let onuTx = link.onuTxDBm
        var onuRx = ponConfig.oltTxDBm - path.downstreamLoss
        var oltRx = onuTx - path.upstreamLoss
        guard onuRx >= Self.onuSensitivity, oltRx >= Self.oltSensitivity else { return offline }
        if readingErrorDB > 0 {
            // An ONT's DDM is off by its own calibration everywhere, and jitters per port.
            let at = [config.address.description, pon.description, "\(location.splitter)", "\(location.port)"]
            let calibration = readingVariation.symmetric(["onu-rx-calibration", serial.description])
            let jitter = readingVariation.symmetric(["onu-rx", serial.description] + at)
            onuRx += readingErrorDB * (calibration + jitter) / 2
            oltRx += readingErrorDB * readingVariation.symmetric(["olt-rx", serial.description] + at) / 2
        }
        return ONUObservation(
            runState: .online, onuRxDBm: onuRx, onuTxDBm: onuTx, oltRxDBm: oltRx, distanceMetres: path.distanceMetres,
            temperatureCelsius: 41, voltageMillivolts: 3300, biasMilliamps: 12)
    }
}
