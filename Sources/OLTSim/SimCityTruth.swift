import FTTHCore

/// Where the faults of a generated city are, and which crew ONT tests which splitters:
/// `truth.json` of `olt-sim city`, for a benchmark to score the daemon's diagnosis against.
public struct SimCityTruth: Sendable, Hashable, Codable {
    /// The seed the city was generated from (also its `variation_seed`).
    public var seed: UInt64
    /// Every fault, by OLT, PON, splitter and port; the ONTs' own faults after each OLT's.
    public var faults: [SimCityFault]
    /// The crews' test ONTs and the splitters each one tests.
    public var crews: [SimCityCrew]

    public init(seed: UInt64, faults: [SimCityFault], crews: [SimCityCrew]) {
        self.seed = seed
        self.faults = faults
        self.crews = crews
    }

    /// Every fault a configuration holds, named by the place the configuration gives it: the
    /// truth of a city read back from its TOML.
    public static func faults(of configuration: SimConfiguration) -> [SimCityFault] {
        var list: [SimCityFault] = []
        for olt in configuration.olts {
            let address = olt.address.description
            func add(
                _ faults: [PathFault], _ place: SimFaultPlace, pon: String?, splitter: String?, port: Int?,
                ont: String? = nil
            ) {
                for f in faults {
                    list.append(
                        SimCityFault(
                            place: place, olt: address, oltName: olt.name, pon: pon, splitter: splitter, port: port,
                            ontSerial: ont, fault: f))
                }
            }
            for pon in olt.pons {
                let p = pon.address.description
                add(pon.oltPortFaults, .oltPort, pon: p, splitter: nil, port: nil)
                add(pon.feederFaults, .feeder, pon: p, splitter: nil, port: nil)
                for splitter in pon.splitters {
                    add(splitter.faults, .splitterInput, pon: p, splitter: splitter.name, port: nil)
                    let numbers = Set(splitter.ports.map(\.number) + splitter.onts.map(\.port)).sorted()
                    for n in numbers {
                        let port = splitter.ports.first { $0.number == n }
                        add(port?.connectorFaults ?? [], .splitterPort, pon: p, splitter: splitter.name, port: n)
                        add(port?.dropFaults ?? [], .drop, pon: p, splitter: splitter.name, port: n)
                        if let ont = splitter.onts.first(where: { $0.port == n }) {
                            add(ont.faults, .drop, pon: p, splitter: splitter.name, port: n)
                            add(
                                ont.ontFaults, .ontConnector, pon: nil, splitter: nil, port: nil,
                                ont: ont.serial.description)
                        }
                    }
                }
            }
            for crew in olt.crewONTs {
                add(crew.faults, .ontConnector, pon: nil, splitter: nil, port: nil, ont: crew.serial.description)
            }
        }
        return list
    }
}

/// One fault of a generated city: where it is and what it costs.
public struct SimCityFault: Sendable, Hashable, Codable, CustomStringConvertible {
    public var place: SimFaultPlace
    /// The OLT's management address, as the project export gives it (`olt_ip`).
    public var olt: String
    public var oltName: String
    /// The PON port (`0/1/2`); nil for ``SimFaultPlace/ontConnector``, which goes with the ONT.
    public var pon: String?
    /// The splitter, for ``SimFaultPlace/splitterInput``, ``SimFaultPlace/splitterPort`` and
    /// ``SimFaultPlace/drop``.
    public var splitter: String?
    /// The splitter port, for ``SimFaultPlace/splitterPort`` and ``SimFaultPlace/drop``.
    public var port: Int?
    /// The faulty ONT's serial, for ``SimFaultPlace/ontConnector``.
    public var ontSerial: String?
    public var kind: SimFaultKind
    /// The loss it adds at 1490 nm (a macrobend costs half of it at 1310 nm); nil for a cut.
    public var db: Double?

    public init(
        place: SimFaultPlace, olt: String, oltName: String, pon: String?, splitter: String?, port: Int?,
        ontSerial: String?, kind: SimFaultKind, db: Double?
    ) {
        self.place = place
        self.olt = olt
        self.oltName = oltName
        self.pon = pon
        self.splitter = splitter
        self.port = port
        self.ontSerial = ontSerial
        self.kind = kind
        self.db = db
    }

    init(
        place: SimFaultPlace, olt: String, oltName: String, pon: String?, splitter: String?, port: Int?,
        ontSerial: String?, fault: PathFault
    ) {
        let (kind, db): (SimFaultKind, Double?) =
            switch fault {
            case .dirtyConnector(let db): (.dirtyConnector, db)
            case .macrobend(let db): (.macrobend, db)
            case .brokenFibre: (.broken, nil)
            }
        self.init(
            place: place, olt: olt, oltName: oltName, pon: pon, splitter: splitter, port: port, ontSerial: ontSerial,
            kind: kind, db: db)
    }

    /// The fault as it sits on an optical path.
    public var pathFault: PathFault { kind.pathFault(db: db ?? 0) }

    enum CodingKeys: String, CodingKey {
        case place, olt, pon, splitter, port, kind, db
        case oltName = "olt_name"
        case ontSerial = "ont_serial"
    }

    /// One line: `splitter_port olt=10.77.0.1 pon=0/1/2 splitter=O0-P2-SP1 port=3 dirty_connector 4.2 dB`.
    public var description: String {
        var parts = [place.rawValue, "olt=\(olt)"]
        if let pon { parts.append("pon=\(pon)") }
        if let splitter { parts.append("splitter=\(splitter)") }
        if let port { parts.append("port=\(port)") }
        if let ontSerial { parts.append("ont=\(ontSerial)") }
        parts.append(kind.rawValue)
        if let db { parts.append("\(db) dB") }
        return parts.joined(separator: " ")
    }
}

/// A crew and the test ONT it carries from port to port: every port of its splitters is tested
/// with this ONT (plug it with ``SimulatedOLT/plug(_:pon:splitter:port:)``).
public struct SimCityCrew: Sendable, Hashable, Codable {
    /// The OLT's management address, and its name.
    public var olt: String
    public var oltName: String
    public var ontSerial: String
    public var splitters: [SimCitySplitterRef]

    public init(olt: String, oltName: String, ontSerial: String, splitters: [SimCitySplitterRef]) {
        self.olt = olt
        self.oltName = oltName
        self.ontSerial = ontSerial
        self.splitters = splitters
    }

    enum CodingKeys: String, CodingKey {
        case olt, splitters
        case oltName = "olt_name"
        case ontSerial = "ont_serial"
    }
}

/// A splitter of a city: its PON port and its name (unique in the city).
public struct SimCitySplitterRef: Sendable, Hashable, Codable {
    public var pon: String
    public var splitter: String

    public init(pon: String, splitter: String) {
        self.pon = pon
        self.splitter = splitter
    }
}
