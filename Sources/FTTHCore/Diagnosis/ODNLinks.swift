import Foundation

/// A splitter as the diagnosis needs it: where it hangs and what its design says.
public struct SplitterInfo: Sendable, Hashable, Codable {
    public var key: SplitterKey
    public var olt: ManagementAddress
    public var pon: PONAddress
    public var ratio: SplitRatio
    /// Ports under test.
    public var portCount: Int
    public var design: ODNDesign

    public init(
        key: SplitterKey, olt: ManagementAddress, pon: PONAddress, ratio: SplitRatio, portCount: Int,
        design: ODNDesign = .none
    ) {
        self.key = key
        self.olt = olt
        self.pon = pon
        self.ratio = ratio
        self.portCount = portCount
        self.design = design
    }
}

/// A recorded line result, as the store keeps it.
public struct RecordedLink: Sendable, Hashable, Codable {
    public var port: PortKey
    public var serial: ONUSerial?
    public var at: Date
    public var readings: OpticalReadings

    public init(port: PortKey, serial: ONUSerial?, at: Date, readings: OpticalReadings) {
        self.port = port
        self.serial = serial
        self.at = at
        self.readings = readings
    }
}

/// What the store holds for the diagnosis of an OLT's ports: its splitters and every line result
/// recorded on them.
public struct ODNRecords: Sendable, Hashable, Codable {
    public var splitters: [SplitterInfo]
    public var results: [RecordedLink]

    public init(splitters: [SplitterInfo], results: [RecordedLink]) {
        self.splitters = splitters
        self.results = results
    }
}

/// The store reads what the diagnosis compares.
public protocol DiagnosisStore: Sendable {
    /// The splitters on OLT `olt` (every project's) and every line result recorded on their ports
    /// (finished runs, oldest first), with the test ONT's serial each was measured with.
    func odnRecords(olt: ManagementAddress) async throws -> ODNRecords
}

/// The line results of an OLT's ports, indexed for the diagnosis: for any port, the facts the
/// rules compare (``DiagnosisFacts``), and a summary per splitter.
public struct ODNLinks: Sendable {
    public let figures: LossFigures
    public let splitters: [SplitterKey: SplitterInfo]
    /// Every port's results, oldest first.
    let history: [PortKey: [LinkObservation]]
    /// The splitters on each PON port.
    let ponSplitters: [PONKey: [SplitterKey]]
    /// The ports of each splitter with a result.
    let splitterPorts: [SplitterKey: [PortKey]]
    /// For each serial, the latest result it gave on each port.
    let bySerial: [ONUSerial: [PortKey: LinkObservation]]
    /// The test ONTs that are the common cause of what they measured.
    public private(set) var suspectONTs: Set<ONUSerial> = []

    struct PONKey: Hashable {
        var olt: ManagementAddress
        var pon: PONAddress
    }

    public init(_ records: ODNRecords, figures: LossFigures = .standard) {
        self.figures = figures
        var splitters: [SplitterKey: SplitterInfo] = [:]
        var pons: [PONKey: [SplitterKey]] = [:]
        for s in records.splitters {
            splitters[s.key] = s
            pons[PONKey(olt: s.olt, pon: s.pon), default: []].append(s.key)
        }
        var history: [PortKey: [LinkObservation]] = [:]
        var bySerial: [ONUSerial: [PortKey: LinkObservation]] = [:]
        // Oldest first; results stamped alike keep the store's order.
        let ordered = records.results.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        var observations: [LinkObservation] = []
        for r in ordered.map(\.element) {
            let key = SplitterKey(projectCode: r.port.projectCode, name: r.port.splitter)
            guard let s = splitters[key] else { continue }
            let prediction = LossPrediction.predict(
                ratio: s.ratio, design: s.design, rangedMetres: r.readings.distanceMetres, figures: figures)
            observations.append(
                LinkObservation(port: r.port, serial: r.serial, at: r.at, readings: r.readings, prediction: prediction))
        }
        // Without a design or a ranged distance, the peer reference: the fibre of a PON port is
        // what its best link's loss leaves after splitters, connectors and splices.
        // A port alone on its PON port is its own reference: two at least.
        var bestKm: [PONKey: Double] = [:]
        var measuredPorts: [PONKey: Set<PortKey>] = [:]
        for o in observations where o.prediction == nil {
            guard let s = splitters[o.splitter], let measured = o.measuredDownstream else { continue }
            let km = LossPrediction.fibreKm(
                measuredDownstream: measured, ratio: s.ratio, design: s.design, figures: figures)
            let pon = PONKey(olt: s.olt, pon: s.pon)
            bestKm[pon] = min(bestKm[pon] ?? km, km)
            measuredPorts[pon, default: []].insert(o.port)
        }
        bestKm = bestKm.filter { (measuredPorts[$0.key]?.count ?? 0) >= 2 }
        for var o in observations {
            if o.prediction == nil, let s = splitters[o.splitter], let km = bestKm[PONKey(olt: s.olt, pon: s.pon)] {
                o.prediction = LossPrediction.with(
                    km: km, ratio: s.ratio, design: s.design, basis: .peers, figures: figures)
            }
            history[o.port, default: []].append(o)
            if let serial = o.serial { bySerial[serial, default: [:]][o.port] = o }
        }
        var ports: [SplitterKey: [PortKey]] = [:]
        for port in history.keys.sorted(by: { $0.port < $1.port }) {
            ports[SplitterKey(projectCode: port.projectCode, name: port.splitter), default: []].append(port)
        }
        self.splitters = splitters
        self.history = history
        self.ponSplitters = pons.mapValues { $0.sorted() }
        self.splitterPorts = ports
        self.bySerial = bySerial
        suspectONTs = findSuspectONTs()
    }

    /// The latest result of `port`, nil when it has none.
    public func latest(_ port: PortKey) -> LinkObservation? { history[port]?.last }

    func latestOf(_ splitter: SplitterKey) -> [LinkObservation] {
        (splitterPorts[splitter] ?? []).compactMap { history[$0]?.last }
    }

    /// What the rules compare for `port`; nil when it has no result.
    public func facts(_ port: PortKey) -> DiagnosisFacts? {
        guard let all = history[port], let subject = all.last, let info = splitters[subject.splitter] else {
            return nil
        }
        let ponKey = PONKey(olt: info.olt, pon: info.pon)
        let siblings = latestOf(subject.splitter).filter { $0.port != port }
        var others: [SplitterKey: [LinkObservation]] = [:]
        for s in ponSplitters[ponKey] ?? [] where s != subject.splitter {
            let links = latestOf(s)
            if !links.isEmpty { others[s] = links }
        }
        var sameONT: [LinkObservation] = []
        var nearby: [LinkObservation] = []
        if let serial = subject.serial {
            sameONT = (bySerial[serial] ?? [:]).filter { $0.key != port }.values.sorted { $0.at < $1.at }
            nearby = self.nearby(serial, measured: sameONT + [subject])
        }
        return DiagnosisFacts(
            subject: subject, history: Array(all.dropLast()), siblings: siblings, ponSplitters: others,
            pon: info.pon, sameONT: sameONT, otherONTsNearby: nearby, suspectONTs: suspectONTs)
    }

    /// The latest results measured with other ONTs on the PON ports `serial` `measured` on.
    func nearby(_ serial: ONUSerial, measured: [LinkObservation]) -> [LinkObservation] {
        var touched: Set<PONKey> = []
        for o in measured {
            if let s = splitters[o.splitter] { touched.insert(PONKey(olt: s.olt, pon: s.pon)) }
        }
        var list: [LinkObservation] = []
        for p in touched.sorted(by: { ($0.olt, $0.pon) < ($1.olt, $1.pon) }) {
            for s in ponSplitters[p] ?? [] {
                list += latestOf(s).filter { $0.serial != serial }
            }
        }
        return list
    }

    /// The test ONTs that are the common cause of what they measured (``DiagnosisFacts/suspectONTs``).
    func findSuspectONTs() -> Set<ONUSerial> {
        var set: Set<ONUSerial> = []
        for (serial, ports) in bySerial {
            let measured = ports.values.sorted { $0.at < $1.at }
            if DiagnosisRules.suspect(
                serial, measured: measured, nearby: nearby(serial, measured: measured), figures: figures) != nil
            {
                set.insert(serial)
            }
        }
        return set
    }

    /// The diagnosis of `port`'s latest result; nil when it has none.
    public func diagnose(_ port: PortKey) -> Diagnosis? {
        facts(port).map { Diagnosis.diagnose($0, figures: figures) }
    }

    /// A splitter's diagnosis as a whole: the place most of its lossy ports point to.
    public func summary(_ splitter: SplitterKey) -> SplitterDiagnosis? {
        guard splitters[splitter] != nil else { return nil }
        let links = latestOf(splitter).filter { $0.state(figures) != .unknown }
        guard !links.isEmpty else {
            return SplitterDiagnosis(
                splitter: splitter, tested: 0, lossyPorts: [], place: .unknown, certainty: .possible,
                evidence: "no port of \(splitter.name) has a result to compare yet")
        }
        let lossy = links.filter { $0.state(figures).isBad }
        let diagnoses = lossy.compactMap { diagnose($0.port) }
        guard !diagnoses.isEmpty else {
            let weak = links.compactMap { diagnose($0.port) }.first { $0.place != .none }
            if let weak {
                return SplitterDiagnosis(
                    splitter: splitter, tested: links.count, lossyPorts: [], place: weak.place,
                    certainty: weak.certainty, evidence: weak.evidence)
            }
            return SplitterDiagnosis(
                splitter: splitter, tested: links.count, lossyPorts: [], place: .none, certainty: .sure,
                evidence:
                    "all \(links.count) tested ports of \(splitter.name) lose what the design predicts, within \(Decibels(figures.marginDB))"
            )
        }
        var counts: [Diagnosis.Place: Int] = [:]
        for d in diagnoses { counts[d.place, default: 0] += 1 }
        let place = Diagnosis.Place.allCases.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? .unknown
        let chosen = diagnoses.filter { $0.place == place }
        let ports = lossy.map(\.port.port).sorted()
        if place == .portOrDrop {
            let names = ports.map(String.init)
            let which = names.count == 1 ? "port \(names[0])" : "ports \(DiagnosisRules.list(names))"
            let fine = links.count - lossy.count
            return SplitterDiagnosis(
                splitter: splitter, tested: links.count, lossyPorts: ports, place: place,
                certainty: chosen.count == 1 ? chosen[0].certainty : .likely,
                evidence:
                    "\(which) of \(splitter.name) \(lossy.count == 1 ? "loses" : "lose") more than designed while \(fine) tested \(fine == 1 ? "port is" : "ports are") fine: clean \(lossy.count == 1 ? "its" : "their") connectors on the splitter and the test ONT's, then check the drops"
            )
        }
        return SplitterDiagnosis(
            splitter: splitter, tested: links.count, lossyPorts: ports, place: place, certainty: chosen[0].certainty,
            evidence: chosen[0].evidence)
    }

    /// Every splitter's summary, by name.
    public var summaries: [SplitterDiagnosis] { splitters.keys.sorted().compactMap(summary) }
}

extension DiagnosisStore {
    /// The results on OLT `olt`, indexed for the diagnosis with `figures`.
    public func odnLinks(olt: ManagementAddress, figures: LossFigures = .standard) async throws -> ODNLinks {
        ODNLinks(try await odnRecords(olt: olt), figures: figures)
    }
}
