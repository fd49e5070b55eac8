import FTTHCore
import Foundation
import Testing

/// The loss a design predicts, worked by hand from the figures in docs/diagnosis.md.
@Suite("Loss prediction")
struct LossPredictionTests {
    @Test("a two-level design: 1:4 then 1:8, 2.2 km of feeder and a 50 m drop, typical counts")
    func twoLevelDesign() throws {
        // Splitters 7.3 + 10.5 = 17.8; connectors 2 + 2 × 2 stages = 6 × 0.3 = 1.8; splices
        // 2 × 2 = 4 × 0.05 = 0.2; fixed 19.8. Fibre 2.25 km: × 0.25 = 0.5625 down, × 0.35 = 0.7875 up.
        let design = ODNDesign(feederKm: 2.2, dropMetres: 50, upstreamRatios: [SplitRatio("1:4")!])
        let p = try #require(
            LossPrediction.predict(ratio: SplitRatio("1:8")!, design: design, rangedMetres: 9_000))
        #expect(p.downstream == Decibels(20.36))
        #expect(p.upstream == Decibels(20.59))
        #expect(p.basis == .design)
    }

    @Test("no design: the OLT's ranged distance and typical counts for one stage")
    func fromRanging() throws {
        // 10.5 + 4 × 0.3 + 2 × 0.05 = 11.8; 3 km × 0.25 = 0.75, × 0.35 = 1.05.
        let p = try #require(LossPrediction.predict(ratio: SplitRatio("1:8")!, design: .none, rangedMetres: 3_000))
        #expect(p.downstream == Decibels(12.55))
        #expect(p.upstream == Decibels(12.85))
        #expect(p.basis == .ranging)
    }

    @Test("counted connectors and splices and a configured splitter figure replace the typical ones")
    func countedDesign() throws {
        var figures = LossFigures.standard
        figures.splitterDB[8] = 10.0
        figures.connectorDB = 0.5
        let design = ODNDesign(feederKm: 1, connectors: 3, splices: 0)
        let p = try #require(
            LossPrediction.predict(ratio: SplitRatio("1:8")!, design: design, rangedMetres: nil, figures: figures))
        #expect(p.downstream == Decibels(10 + 1.5 + 0.25))
        #expect(p.upstream == Decibels(10 + 1.5 + 0.35))
    }

    @Test("without any fibre length there is no prediction")
    func noLength() {
        #expect(LossPrediction.predict(ratio: SplitRatio("1:8")!, design: .none, rangedMetres: nil) == nil)
        #expect(LossPrediction.predict(ratio: SplitRatio("1:8")!, design: .none, rangedMetres: 0) == nil)
    }

    @Test("figures a real network cannot have are refused, naming the key")
    func badFigures() {
        #expect(LossFigures.standard.problem == nil)
        #expect(LossFigures(marginDB: 0).problem?.contains("margin_db") == true)
        #expect(LossFigures(connectorDB: 9).problem?.contains("connector_db") == true)
        #expect(LossFigures(splitterDB: [3: 5]).problem?.contains("splitter_db") == true)
    }

    @Test("upstream_ratios: stages joined by +, nearest the OLT first")
    func ratios() {
        #expect(ODNDesign.parseRatios("1:4") == [SplitRatio("1:4")!])
        #expect(ODNDesign.parseRatios("1:2+1:4") == [SplitRatio("1:2")!, SplitRatio("1:4")!])
        #expect(ODNDesign.parseRatios("") == [])
        #expect(ODNDesign.parseRatios("1:3") == nil)
        #expect(ODNDesign(upstreamRatios: [SplitRatio("1:2")!, SplitRatio("1:4")!]).upstreamRatiosText == "1:2+1:4")
    }
}

/// A PON port 0/1/0 on OLT 10.0.0.1 with 1:8 splitters designed as 2 km of feeder, 4 connectors
/// and 4 splices: 10.5 + 1.2 + 0.2 = 11.9 dB fixed, so 12.40 dB downstream and 12.60 dB
/// upstream. OLT tx +3 dBm, ONT tx +2 dBm.
struct DiagnosisCity {
    static let olt = ManagementAddress("10.0.0.1")!
    static let design = ODNDesign(feederKm: 2, connectors: 4, splices: 4)
    static let day = Date(timeIntervalSince1970: 1_790_000_000)

    var splitters: [SplitterInfo] = []
    var results: [RecordedLink] = []
    var clock = 0

    mutating func splitter(_ name: String, pon: Int = 0) {
        splitters.append(
            SplitterInfo(
                key: SplitterKey(projectCode: "P1", name: name), olt: Self.olt,
                pon: PONAddress(frame: 0, slot: 1, port: pon), ratio: SplitRatio("1:8")!, portCount: 8,
                design: Self.design))
    }

    /// A result of `port` losing `down` and `up` dB more than designed; nil: dark (offline).
    mutating func result(
        _ name: String, _ port: Int, down: Double?, up: Double? = nil, serial: String? = nil, oltTx: Double = 3,
        onuTx: Double = 2
    ) {
        clock += 60
        let readings: OpticalReadings
        if let down {
            readings = OpticalReadings(
                oltTx: .dBm(DBm(oltTx)), oltRx: .dBm(DBm(onuTx - 12.6 - (up ?? down))), onuTx: .dBm(DBm(onuTx)),
                onuRx: .dBm(DBm(oltTx - 12.4 - down)), distanceMetres: 2_030)
        } else {
            readings = OpticalReadings(
                oltTx: .dBm(DBm(oltTx)), oltRx: .missing(.onuOffline), onuTx: .missing(.onuOffline),
                onuRx: .missing(.onuOffline))
        }
        results.append(
            RecordedLink(
                port: PortKey(projectCode: "P1", splitter: name, port: port),
                serial: ONUSerial(serial ?? String(format: "HWTC%04X%04X", name.hashValue & 0xFFFF, port)),
                at: Self.day.addingTimeInterval(TimeInterval(clock)), readings: readings))
    }

    /// Ports 1…8 of `name`, all losing `down` more (dark when nil), with `serial` when given.
    mutating func all(_ name: String, down: Double?, up: Double? = nil, serial: String? = nil) {
        for p in 1...8 { result(name, p, down: down, up: up, serial: serial) }
    }

    var links: ODNLinks { ODNLinks(ODNRecords(splitters: splitters, results: results)) }

    func diagnose(_ name: String, _ port: Int) throws -> Diagnosis {
        try #require(links.diagnose(PortKey(projectCode: "P1", splitter: name, port: port)))
    }
}

/// The rules of docs/diagnosis.md on hand-made readings: each case names what a crew should see.
@Suite("Diagnosis rules")
struct DiagnosisRulesTests {
    @Test("a port within the margin of its design has no extra loss, and the loss sentence says so")
    func healthy() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.result("SP01", 1, down: 0.4)
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .none)
        #expect(d.measuredDownstream == Decibels(12.8))
        #expect(d.predictedDownstream == Decibels(12.4))
        #expect(d.lossSentence == "downstream loss 12.80 dB, 0.40 dB more than the design's 12.40 dB")
    }

    @Test("the loss sentence: measured, the excess, and the design's figure")
    func lossSentence() {
        let d = Diagnosis(
            place: .splitter, certainty: .sure, measuredDownstream: Decibels(24.6), predictedDownstream: Decibels(20.5),
            basis: .design, evidence: "x")
        #expect(d.lossSentence == "downstream loss 24.60 dB, 4.10 dB more than the design's 20.50 dB")
        #expect(d.excessDownstream == Decibels(4.1))
    }

    @Test("every port of one splitter lossy, its sibling on the PON fine: the splitter or its input")
    func splitterInput() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP02", down: 0.1)
        city.all("SP01", down: 6, up: 3)
        let d = try city.diagnose("SP01", 4)
        #expect(d.place == .splitter)
        #expect(d.certainty == .sure)
        #expect(d.evidence.contains("all 8 tested ports of SP01"))
        #expect(d.evidence.contains("SP02"))
        #expect(d.evidence.contains("as a bend does"))
        #expect(d.evidence.contains("before any drop connector"))
        let summary = try #require(city.links.summary(SplitterKey(projectCode: "P1", name: "SP01")))
        #expect(summary.place == .splitter)
        #expect(summary.lossyPorts == Array(1...8))
        #expect(city.links.summary(SplitterKey(projectCode: "P1", name: "SP02"))?.place == Diagnosis.Place.none)
    }

    @Test("every splitter on the PON port lossy: the OLT port or the feeder")
    func feeder() throws {
        var city = DiagnosisCity()
        for s in ["SP01", "SP02", "SP03"] {
            city.splitter(s)
            city.all(s, down: 4, up: 4)
        }
        let d = try city.diagnose("SP02", 1)
        #expect(d.place == .oltOrFeeder)
        #expect(d.certainty == .sure)
        #expect(d.evidence.contains("PON port 0/1/0"))
        #expect(!d.evidence.contains("bend"))
    }

    @Test("one port lossy, its neighbours fine: that port's connector or drop")
    func onePort() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        for p in 1...8 { city.result("SP01", p, down: p == 3 ? 4 : 0.2, up: p == 3 ? 4 : 0.2) }
        let d = try city.diagnose("SP01", 3)
        #expect(d.place == .portOrDrop)
        #expect(d.evidence.contains("port 3 of SP01"))
        #expect(d.evidence.contains("7 tested neighbours are fine"))
        #expect(try city.diagnose("SP01", 2).place == Diagnosis.Place.none)
        let summary = try #require(city.links.summary(SplitterKey(projectCode: "P1", name: "SP01")))
        #expect(summary.place == .portOrDrop)
        #expect(summary.lossyPorts == [3])
    }

    @Test("one port lossy with a test ONT that reads fine on other ports: sure it is the port")
    func onePortSameONT() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        for p in 1...8 { city.result("SP01", p, down: p == 3 ? 4 : 0.2, serial: "HWTC0000AAAA") }
        let d = try city.diagnose("SP01", 3)
        #expect(d.place == .portOrDrop)
        #expect(d.certainty == .sure)
    }

    @Test("a test ONT that loses the same on two splitters while other ONTs read fine there: the test ONT")
    func testONT() throws {
        var city = DiagnosisCity()
        city.splitter("SP01", pon: 0)
        city.splitter("SP02", pon: 0)
        city.splitter("SP05", pon: 1)
        city.splitter("SP06", pon: 1)
        city.all("SP02", down: 0.1, serial: "HWTC0000BBBB")
        city.all("SP06", down: 0.3, serial: "HWTC0000BBBB")
        city.all("SP01", down: 3, serial: "HWTC0000AAAA")
        city.all("SP05", down: 3.4, serial: "HWTC0000AAAA")
        let d = try city.diagnose("SP05", 8)
        #expect(d.place == .testONT)
        #expect(d.evidence.contains("HWTC0000AAAA"))
        #expect(d.evidence.contains("16 ports on 2 splitters"))
    }

    @Test("before its second splitter, the same ONT on a whole splitter reads as the splitter, with the ONT named")
    func testONTOneSplitter() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP02", down: 0.1, serial: "HWTC0000BBBB")
        city.all("SP01", down: 3, serial: "HWTC0000AAAA")
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .splitter)
        #expect(d.certainty == .likely)
        #expect(d.evidence.contains("all were measured with test ONT HWTC0000AAAA"))
    }

    @Test("a port that read fine with another test ONT before: the test ONT")
    func historyOtherONT() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.result("SP01", 1, down: 0.2, serial: "HWTC0000BBBB")
        city.result("SP01", 1, down: 5, serial: "HWTC0000AAAA")
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .testONT)
        #expect(d.evidence.contains("read fine with test ONT HWTC0000BBBB"))
    }

    @Test("a PON port transmitting below a healthy optic: the OLT port, whatever the attenuation")
    func weakOLTLaser() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.result("SP01", 1, down: 0, oltTx: 0.8)
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .oltOrFeeder)
        #expect(d.evidence.contains("0.80 dBm"))
    }

    @Test("a weak test ONT laser: the test ONT")
    func weakONTLaser() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.result("SP01", 1, down: 0, onuTx: -1.5)
        #expect(try city.diagnose("SP01", 1).place == .testONT)
    }

    @Test("a splitter whose every port is dark while its sibling reads: the splitter's input, no light")
    func darkSplitter() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP01", down: 0.3)
        city.all("SP02", down: nil)
        let d = try city.diagnose("SP02", 2)
        #expect(d.place == .splitter)
        #expect(d.evidence.contains("get no light"))
        #expect(d.measuredDownstream == nil)
        #expect(d.lossSentence == nil)
    }

    @Test("a lossy splitter alone on its PON so far: the splitter, possible, and what to test next")
    func splitterAlone() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP01", down: 5)
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .splitter)
        #expect(d.certainty == .possible)
        #expect(d.evidence.contains("test one to tell the splitter from the feeder"))
    }

    @Test("the only tested port of its splitter: its connector or drop, possible; the pattern refines")
    func refines() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP02", down: 0)
        city.result("SP01", 1, down: 5)
        let first = try city.diagnose("SP01", 1)
        #expect(first.place == .portOrDrop)
        #expect(first.certainty == .possible)
        for p in 2...8 { city.result("SP01", p, down: 5) }
        let later = try city.diagnose("SP01", 1)
        #expect(later.place == .splitter)
        #expect(later.certainty == .sure)
    }

    @Test("vendor sentinels are never numbers: a port with no usable power cannot be compared")
    func sentinels() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.results.append(
            RecordedLink(
                port: PortKey(projectCode: "P1", splitter: "SP01", port: 1), serial: nil, at: DiagnosisCity.day,
                readings: OpticalReadings(
                    oltTx: .dBm(DBm(3)), oltRx: .missing(.sentinel, raw: "-80000"), onuTx: .dBm(DBm(0)),
                    onuRx: .dBm(DBm(0)), distanceMetres: 2000)))
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .unknown)
        #expect(d.measuredDownstream == nil)
    }

    @Test("a port worse than at its earlier test says by how much")
    func worseThanBefore() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.result("SP01", 1, down: -0.5, serial: "HWTC0000AAAA")
        city.result("SP01", 1, down: 0.9, serial: "HWTC0000AAAA")
        let d = try city.diagnose("SP01", 1)
        #expect(d.place == .none)
        #expect(d.evidence.contains("1.40 dB more than at its test of"))
    }

    @Test("the same facts always give the same diagnosis")
    func pure() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP01", down: 6)
        city.all("SP02", down: 0)
        let facts = try #require(city.links.facts(PortKey(projectCode: "P1", splitter: "SP01", port: 1)))
        #expect(Diagnosis.diagnose(facts) == Diagnosis.diagnose(facts))
        #expect(facts.siblings.count == 7)
        #expect(facts.ponSplitters.count == 1)
    }
}

/// Without a design or a ranged distance, the PON port's best link is the reference.
@Suite("Diagnosis by the peer reference")
struct PeerReferenceTests {
    /// A 1:8 with no design: 10.5 + 4 × 0.3 + 2 × 0.05 = 11.8 dB fixed, 2 km of fibre more.
    static func city(_ downs: [Double]) -> ODNLinks {
        let olt = ManagementAddress("10.0.0.9")!
        let info = SplitterInfo(
            key: SplitterKey(projectCode: "P", name: "S"), olt: olt, pon: PONAddress("0/1/0")!,
            ratio: SplitRatio("1:8")!, portCount: 8)
        let results = downs.enumerated().map { i, down in
            RecordedLink(
                port: PortKey(projectCode: "P", splitter: "S", port: i + 1), serial: ONUSerial("HWTC0000000\(i + 1)"),
                at: DiagnosisCity.day,
                readings: OpticalReadings(
                    oltTx: .dBm(DBm(3)), oltRx: .dBm(DBm(2 - 12.5 - down)), onuTx: .dBm(DBm(2)),
                    onuRx: .dBm(DBm(3 - 12.3 - down))))
        }
        return ODNLinks(ODNRecords(splitters: [info], results: results))
    }

    @Test("the best link sets the fibre; a port 4 dB worse is lossy against it")
    func peers() throws {
        let links = Self.city([0, 0.2, 4, 0.1])
        let worse = try #require(links.diagnose(PortKey(projectCode: "P", splitter: "S", port: 3)))
        #expect(worse.basis == .peers)
        #expect(worse.place == .portOrDrop)
        #expect(worse.predictedDownstream == Decibels(12.3))
        #expect(worse.lossSentence?.contains("4.00 dB more than the PON port's best link's 12.30 dB") == true)
        let fine = try #require(links.diagnose(PortKey(projectCode: "P", splitter: "S", port: 2)))
        #expect(fine.place == Diagnosis.Place.none)
        #expect(fine.evidence.contains("no more than the best link of PON port 0/1/0"))
    }

    @Test("a port alone on its PON port has nothing to be compared with")
    func alone() throws {
        let d = try #require(Self.city([3]).diagnose(PortKey(projectCode: "P", splitter: "S", port: 1)))
        #expect(d.place == .unknown)
        #expect(d.evidence.contains("no other port of PON port 0/1/0"))
    }
}

/// Splitters on one PON port that lose differently have faults of their own; alike, one cause in
/// front of them all.
@Suite("Diagnosis: alike or not across the PON port")
struct AlikeAcrossThePONTests {
    @Test("a 6 dB bend at one splitter and a cut at the other: two splitter faults, not the feeder")
    func bendAndCut() throws {
        var city = DiagnosisCity()
        city.splitter("SP01")
        city.splitter("SP02")
        city.all("SP01", down: 6, up: 3)
        city.all("SP02", down: nil)
        let bend = try city.diagnose("SP01", 1)
        #expect(bend.place == .splitter)
        #expect(bend.evidence.contains("SP02 loses differently (a fault of its own)"))
        #expect(try city.diagnose("SP02", 1).place == .splitter)
    }

    @Test("3 dB at one splitter and 7 dB at the other: their own faults; 4 dB at both: the feeder")
    func sizes() throws {
        var apart = DiagnosisCity()
        apart.splitter("SP01")
        apart.splitter("SP02")
        apart.all("SP01", down: 3)
        apart.all("SP02", down: 7)
        #expect(try apart.diagnose("SP01", 2).place == .splitter)
        var alike = DiagnosisCity()
        alike.splitter("SP01")
        alike.splitter("SP02")
        alike.all("SP01", down: 4)
        alike.all("SP02", down: 4.6)
        let d = try alike.diagnose("SP01", 2)
        #expect(d.place == .oltOrFeeder)
        #expect(d.evidence.contains("the other tested splitter on PON port 0/1/0"))
    }
}
