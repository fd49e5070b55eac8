import Foundation

/// What the diagnosis of one port compares: the port's latest result, its own earlier results,
/// its splitter's other ports, the other splitters on its PON port, and what its test ONT
/// measured elsewhere. Built by ``ODNLinks``; a plain value so that the rules are a pure
/// function with hand-computed tests.
public struct DiagnosisFacts: Sendable, Hashable {
    /// The port's latest result.
    public var subject: LinkObservation
    /// The port's earlier results, oldest first.
    public var history: [LinkObservation]
    /// The latest result of each other tested port of the same splitter.
    public var siblings: [LinkObservation]
    /// The other splitters on the same PON port, each with the latest result of its tested ports.
    public var ponSplitters: [SplitterKey: [LinkObservation]]
    /// The PON port, for sentences.
    public var pon: PONAddress
    /// The latest result the subject's test ONT gave on each other port it measured.
    public var sameONT: [LinkObservation]
    /// Results measured with other test ONTs on the splitters and PON ports the subject's ONT
    /// measured: whether the network there is fine without it.
    public var otherONTsNearby: [LinkObservation]
    /// Test ONTs that lose about the same on every port they measured, on two splitters or more,
    /// while other ONTs read fine there (rule 3 for each ONT): their results say nothing about
    /// the network, so the pattern across the PON port leaves them out.
    public var suspectONTs: Set<ONUSerial>

    public init(
        subject: LinkObservation, history: [LinkObservation] = [], siblings: [LinkObservation] = [],
        ponSplitters: [SplitterKey: [LinkObservation]] = [:], pon: PONAddress, sameONT: [LinkObservation] = [],
        otherONTsNearby: [LinkObservation] = [], suspectONTs: Set<ONUSerial> = []
    ) {
        self.suspectONTs = suspectONTs
        self.subject = subject
        self.history = history
        self.siblings = siblings
        self.ponSplitters = ponSplitters
        self.pon = pon
        self.sameONT = sameONT
        self.otherONTsNearby = otherONTsNearby
    }
}

extension Diagnosis {
    /// Says where the light of `facts.subject` is most likely lost (`../docs/diagnosis.md`):
    /// 1. a weak laser (the PON port's or the test ONT's transmit power below a healthy optic's);
    /// 2. a port within the margin of its prediction has no extra loss;
    /// 3. the test ONT, when every port it measured on two splitters or more loses about the same
    ///    while other ONTs read fine there, or when this port read fine with another ONT before;
    /// 4. most ports of the splitter lossy: the splitter or its input, or — when most other
    ///    splitters on the PON port are lossy too — the OLT port or the feeder;
    /// 5. otherwise this port's connector or drop.
    /// No I/O; the same facts always give the same diagnosis.
    public static func diagnose(_ facts: DiagnosisFacts, figures: LossFigures = .standard) -> Diagnosis {
        var rules = DiagnosisRules(facts: facts, figures: figures)
        return rules.run()
    }
}

struct DiagnosisRules {
    let facts: DiagnosisFacts
    let figures: LossFigures
    var subject: LinkObservation { facts.subject }

    init(facts: DiagnosisFacts, figures: LossFigures) {
        self.facts = facts
        self.figures = figures
    }

    func make(_ place: Diagnosis.Place, _ certainty: Diagnosis.Certainty, _ evidence: String) -> Diagnosis {
        let p = subject.prediction
        return Diagnosis(
            place: place, certainty: certainty,
            measuredDownstream: subject.measuredDownstream.map(Decibels.init),
            predictedDownstream: subject.measuredDownstream == nil ? nil : p?.downstream,
            measuredUpstream: subject.measuredUpstream.map(Decibels.init),
            predictedUpstream: subject.measuredUpstream == nil ? nil : p?.upstream,
            basis: subject.measuredDownstream == nil && subject.measuredUpstream == nil ? nil : p?.basis,
            evidence: evidence)
    }

    mutating func run() -> Diagnosis {
        let state = subject.state(figures)
        let portName = "port \(subject.port.port) of \(subject.port.splitter)"

        // 1. A weak laser is seen directly in the readings.
        if let tx = LinkObservation.usableTx(subject.readings.oltTx), tx < figures.minOLTTxDBm {
            return make(
                .oltOrFeeder, .likely,
                "PON port \(facts.pon) transmits only \(DBm(tx)), below the \(DBm(figures.minOLTTxDBm)) of a healthy optic: clean the OLT port's connector, then replace its optic"
            )
        }
        if let tx = LinkObservation.usableTx(subject.readings.onuTx), tx < figures.minONUTxDBm {
            return make(
                .testONT, .likely,
                "the test ONT transmits only \(DBm(tx)), below the \(DBm(figures.minONUTxDBm)) of a healthy one: its laser is weak; re-test with another test ONT"
            )
        }

        // 2. Nothing to look for, or nothing to compare.
        switch state {
        case .unknown:
            let why =
                subject.prediction == nil
                ? "no fibre length is known (neither the design's nor the OLT's ranging) and no other port of PON port \(facts.pon) is measured to compare with"
                : "a power is missing"
            return make(.unknown, .possible, "cannot compare \(portName) with its design: \(why)")
        case .measured(let excess, false):
            let worse = facts.history.last.flatMap { earlier -> String? in
                guard case .measured(let before, _) = earlier.state(figures), excess - before > figures.marginDB / 2
                else { return nil }
                return "; it loses \(Decibels(excess - before)) more than at its test of \(Self.day(earlier.at))"
            }
            let reference =
                switch subject.prediction?.basis {
                case .design: "loses what its design predicts"
                case .peers: "loses no more than the best link of PON port \(facts.pon)"
                default: "loses what its length and typical parts predict"
                }
            return make(.none, .sure, "\(portName) \(reference), within \(Decibels(figures.marginDB))\(worse ?? "")")
        default:
            break
        }

        // 3. The test ONT.
        if let d = testONT() { return d }

        // 4. A pattern across the splitter and the PON port.
        let splitterLinks = ([subject] + facts.siblings).filter { $0.state(figures) != .unknown }
        let bad = splitterLinks.filter { $0.state(figures).isBad }
        let others = facts.ponSplitters.mapValues { links in
            links.filter { $0.state(figures) != .unknown && !($0.serial.map(facts.suspectONTs.contains) ?? false) }
        }.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        // One cause in front of every splitter loses alike everywhere: all dark, or about the same
        // excess. Splitters that lose differently have faults of their own.
        let signature = Self.signature(bad.isEmpty ? [subject] : bad, figures)
        let badOthers = others.filter {
            isMostlyBad($0.value)
                && Self.alike(
                    Self.signature($0.value.filter { $0.state(figures).isBad }, figures), signature, figures)
        }
        let hint = wavelengthHint(bad)
        let sameONTOnAll =
            subject.serial != nil && splitterLinks.count >= 2
            && splitterLinks.allSatisfy { $0.serial == subject.serial }
        let ontCaveat =
            sameONTOnAll ? "; all were measured with test ONT \(subject.serial!), so re-test one with another" : ""

        if splitterLinks.count >= 2, Double(bad.count) >= 0.75 * Double(splitterLinks.count) {
            let how = groupLoss(bad)
            let all =
                bad.count == splitterLinks.count
                ? "all \(bad.count) tested ports" : "\(bad.count) of \(splitterLinks.count) tested ports"
            if others.isEmpty {
                return make(
                    .splitter, .possible,
                    "\(all) of \(subject.port.splitter) \(how)\(hint); no other splitter on PON port \(facts.pon) is tested yet: test one to tell the splitter from the feeder, and check the splitter input first\(ontCaveat)"
                )
            }
            if badOthers.count * 2 > others.count {
                let certainty: Diagnosis.Certainty =
                    badOthers.count == others.count && others.count >= 2 ? .sure : .likely
                let which =
                    badOthers.count == others.count
                    ? (others.count == 1 ? "the other tested splitter" : "all \(others.count) other tested splitters")
                    : "\(badOthers.count) of the \(others.count) other tested splitters"
                return make(
                    .oltOrFeeder, certainty,
                    "\(all) of \(subject.port.splitter) and \(which) on PON port \(facts.pon) \(how)\(hint): check the OLT port's connector and the feeder before any splitter or drop"
                )
            }
            let fine = others.filter { !isMostlyBad($0.value) }.map(\.key.name)
            let differing = others.filter { isMostlyBad($0.value) && !badOthers.map(\.key).contains($0.key) }
                .map(\.key.name)
            var contrast: [String] = []
            if !fine.isEmpty { contrast.append("\(Self.list(fine)) \(fine.count == 1 ? "is" : "are") fine") }
            if !differing.isEmpty {
                contrast.append(
                    "\(Self.list(differing)) \(differing.count == 1 ? "loses" : "lose") differently (a fault of \(differing.count == 1 ? "its" : "their") own)"
                )
            }
            let certainty: Diagnosis.Certainty = splitterLinks.count >= 3 && !sameONTOnAll ? .sure : .likely
            return make(
                .splitter, certainty,
                "\(all) of \(subject.port.splitter) \(how)\(hint) while on the same PON port \(contrast.joined(separator: " and ")): check the feeder leg and the splitter input before any drop connector\(ontCaveat)"
            )
        }

        let how = groupLoss([subject])
        if splitterLinks.count < 2 {
            if !others.isEmpty, badOthers.count * 2 > others.count {
                return make(
                    .oltOrFeeder, .possible,
                    "\(portName) \(how), as do \(badOthers.count) of the \(others.count) other tested splitters on PON port \(facts.pon); test its neighbours to be sure, and check the OLT port and the feeder"
                )
            }
            return make(
                .portOrDrop, .possible,
                "\(portName) \(how)\(wavelengthHint([subject])); it is the only tested port of its splitter: clean its connector and the test ONT's, check the drop for bends, and test its neighbours"
            )
        }

        // 5. This port alone.
        let fineSiblings = splitterLinks.filter { $0.state(figures).isFine }
        let ontFineElsewhere =
            subject.serial != nil && facts.sameONT.contains { $0.state(figures).isFine && $0.serial == subject.serial }
        let certainty: Diagnosis.Certainty = fineSiblings.count >= 2 && ontFineElsewhere ? .sure : .likely
        let neighbours =
            fineSiblings.count == 1
            ? "its tested neighbour is fine" : "\(fineSiblings.count) tested neighbours are fine"
        let ont = ontFineElsewhere ? " and the same test ONT reads fine elsewhere" : ""
        let what =
            subject.state(figures) == .dark
            ? "clean the splitter port's connector, check that the drop is connected and not cut"
            : "clean the splitter port's connector and the test ONT's, then check the drop for bends"
        return make(
            .portOrDrop, certainty, "\(portName) \(how)\(wavelengthHint([subject])) while \(neighbours)\(ont): \(what)")
    }

    /// Rule 3: the fault follows the test ONT.
    func testONT() -> Diagnosis? {
        guard let serial = subject.serial else { return nil }
        // This port read fine with another ONT before.
        if let earlier = facts.history.last(where: { $0.serial != nil && $0.serial != serial }),
            earlier.state(figures).isFine
        {
            return make(
                .testONT, .likely,
                "port \(subject.port.port) of \(subject.port.splitter) read fine with test ONT \(earlier.serial!) on \(Self.day(earlier.at)) and \(groupLoss([subject])) with \(serial): clean or replace this test ONT's connector and re-test"
            )
        }
        let mine = ([subject] + facts.sameONT.filter { $0.serial == serial })
        let splitters = Set(mine.map(\.splitter))
        guard
            let fineElsewhere = Self.suspect(
                serial, measured: mine, nearby: facts.otherONTsNearby, figures: figures)
        else { return nil }
        let certainty: Diagnosis.Certainty = splitters.count >= 3 && fineElsewhere.count >= 3 ? .sure : .likely
        return make(
            .testONT, certainty,
            "test ONT \(serial) \(groupLoss(mine)) on every port it measured (\(mine.count) ports on \(splitters.count) splitters) while other test ONTs read fine there: clean or replace this test ONT's connector and re-test"
        )
    }

    /// Whether test ONT `serial` is the common cause of what it `measured` (the latest result it
    /// gave on each port): two splitters or more, ¾ of its results lossy or dark (and half on each
    /// splitter) by about the same (within 2 × margin), while other ONTs read fine on those PON
    /// ports (`nearby`).
    /// Returns those fine results, or nil when the ONT is not suspect.
    static func suspect(
        _ serial: ONUSerial, measured: [LinkObservation], nearby: [LinkObservation], figures: LossFigures
    ) -> [LinkObservation]? {
        let known = measured.filter { $0.state(figures) != .unknown }
        let splitters = Dictionary(grouping: known, by: \.splitter)
        guard known.count >= 2, splitters.count >= 2 else { return nil }
        // Most of what it measured is lossy (a small fault near the margin leaves a few ports
        // just under it), on every splitter it measured.
        let bad = known.filter { $0.state(figures).isBad }
        guard Double(bad.count) >= 0.75 * Double(known.count),
            splitters.values.allSatisfy({ links in links.filter { $0.state(figures).isBad }.count * 2 >= links.count })
        else { return nil }
        // Dark everywhere, or about the same excess everywhere: one cause that travels.
        let states = bad.map { $0.state(figures) }
        let excesses = states.compactMap { s -> Double? in
            if case .measured(let e, _) = s { return e }
            return nil
        }
        if !excesses.isEmpty {
            guard excesses.count == states.count, let lo = excesses.min(), let hi = excesses.max(),
                hi - lo <= 2 * figures.marginDB
            else { return nil }
        }
        let fine = nearby.filter { $0.serial != serial && $0.state(figures).isFine }
        return fine.isEmpty ? nil : fine
    }

    /// How a group of lossy links loses: mostly dark, or the median excess.
    static func signature(_ links: [LinkObservation], _ figures: LossFigures) -> (dark: Bool, excess: Double?) {
        let states = links.map { $0.state(figures) }
        let dark = states.filter { $0 == .dark }.count * 2 > states.count
        let excesses = states.compactMap { s -> Double? in
            if case .measured(let e, _) = s { return e }
            return nil
        }.sorted()
        return (dark, excesses.isEmpty ? nil : excesses[excesses.count / 2])
    }

    /// Whether two groups lose alike: both mostly dark, or excesses within the margin.
    static func alike(
        _ a: (dark: Bool, excess: Double?), _ b: (dark: Bool, excess: Double?), _ figures: LossFigures
    ) -> Bool {
        if a.dark || b.dark { return a.dark == b.dark }
        guard let x = a.excess, let y = b.excess else { return false }
        return abs(x - y) <= figures.marginDB
    }

    func isMostlyBad(_ links: [LinkObservation]) -> Bool {
        let known = links.filter { $0.state(figures) != .unknown }
        guard !known.isEmpty else { return false }
        return Double(known.filter { $0.state(figures).isBad }.count) >= 0.5 * Double(known.count)
    }

    /// "lose 6.02 dB more than designed", "get no light", or both counted.
    func groupLoss(_ links: [LinkObservation]) -> String {
        let excesses = links.compactMap { l -> Double? in
            if case .measured(let e, _) = l.state(figures) { return e }
            return nil
        }.sorted()
        let dark = links.filter { $0.state(figures) == .dark }.count
        let designed =
            links.contains { $0.prediction?.basis == .design }
            ? "designed" : links.contains { $0.prediction?.basis == .peers } ? "the PON port's best link" : "expected"
        let verbs = links.count == 1 ? ("loses", "gets") : ("lose", "get")
        guard !excesses.isEmpty else { return "\(verbs.1) no light (the ONU never came online)" }
        let median = excesses[excesses.count / 2]
        let about = excesses.count > 1 ? "about " : ""
        let text = "\(verbs.0) \(about)\(Decibels(median)) more than \(designed)"
        return dark > 0 ? "\(text) or \(verbs.1) no light" : text
    }

    /// A bend loses more at 1490 nm than at 1310 nm; a connector loses the same both ways.
    func wavelengthHint(_ links: [LinkObservation]) -> String {
        let gaps = links.compactMap { l -> Double? in
            guard let d = l.excessDownstream, let u = l.excessUpstream else { return nil }
            return d - u
        }.sorted()
        guard !gaps.isEmpty else { return "" }
        let median = gaps[gaps.count / 2]
        if median >= 1.0 { return " (more at 1490 nm than at 1310 nm, as a bend does)" }
        return ""
    }

    static func list(_ names: [String]) -> String {
        if names.count <= 3 { return names.joined(separator: ", ") }
        return names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }

    static func day(_ date: Date) -> String {
        let f = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        return date.formatted(f)
    }
}
