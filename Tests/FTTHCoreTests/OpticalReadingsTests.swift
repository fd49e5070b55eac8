import FTTHCore
import PropertyBased
import Testing

/// Attenuation: downstream = OLT tx − ONU rx, upstream = ONU tx − OLT rx (DESIGN §2 step 3).
@Suite("Attenuation")
struct OpticalReadingsTests {
    @Test("downstream and upstream attenuation from the four powers")
    func attenuation() {
        let r = readings(oltTx: 300, oltRx: -2530, onuTx: 210, onuRx: -2140)
        #expect(r.downstreamAttenuation == Decibels(centi: 2440))
        #expect(r.upstreamAttenuation == Decibels(centi: 2740))
        #expect(r.downstreamAttenuation?.description == "24.40 dB")
        #expect(r.upstreamAttenuation?.description == "27.40 dB")
    }

    @Test("downstream attenuation is nil when OLT tx or ONU rx is missing")
    func downstreamNeedsBoth() {
        #expect(readings(oltTx: nil, oltRx: -2530, onuTx: 210, onuRx: -2140).downstreamAttenuation == nil)
        #expect(readings(oltTx: 300, oltRx: -2530, onuTx: 210, onuRx: nil).downstreamAttenuation == nil)
        #expect(readings(oltTx: nil, oltRx: -2530, onuTx: 210, onuRx: nil).downstreamAttenuation == nil)
        // Upstream does not need them.
        #expect(readings(oltTx: nil, oltRx: -2530, onuTx: 210, onuRx: nil).upstreamAttenuation == Decibels(centi: 2740))
    }

    @Test("upstream attenuation is nil when ONU tx or OLT rx is missing")
    func upstreamNeedsBoth() {
        #expect(readings(oltTx: 300, oltRx: -2530, onuTx: nil, onuRx: -2140).upstreamAttenuation == nil)
        #expect(readings(oltTx: 300, oltRx: nil, onuTx: 210, onuRx: -2140).upstreamAttenuation == nil)
        #expect(
            readings(oltTx: 300, oltRx: nil, onuTx: nil, onuRx: -2140).downstreamAttenuation == Decibels(centi: 2440))
    }

    @Test("a sentinel is a missing value, not a number in the arithmetic")
    func sentinelsAreNotNumbers() {
        let r = OpticalReadings(
            oltTx: PowerReading(parsingDBm: "3.00"), oltRx: PowerReading(parsingDBm: "-80000"),
            onuTx: PowerReading(parsingDBm: "2147483647"), onuRx: PowerReading(parsingDBm: "-/-"))
        #expect(r.downstreamAttenuation == nil)
        #expect(r.upstreamAttenuation == nil)
    }

    @Test("attenuation is the exact integer difference of the hundredths")
    func exactDifference() async {
        let centi = Gen.int(in: -6000...1500)
        await propertyCheck(input: centi, centi, centi, centi) { oltTx, oltRx, onuTx, onuRx in
            let r = readings(oltTx: oltTx, oltRx: oltRx, onuTx: onuTx, onuRx: onuRx)
            let down = try #require(r.downstreamAttenuation)
            let up = try #require(r.upstreamAttenuation)
            #expect(down.centi == oltTx - onuRx)
            #expect(up.centi == onuTx - oltRx)
            // What the OLT sends arrives minus the loss, to the hundredth.
            #expect(onuRx + down.centi == oltTx)
            #expect(oltRx + up.centi == onuTx)
            #expect(down == DBm(centi: oltTx) - DBm(centi: onuRx))
        }
    }

    @Test("an attenuation is present exactly when both of its powers are")
    func presence() async {
        let maybe = Gen.int(in: -3000...500).optional
        await propertyCheck(input: maybe, maybe, maybe, maybe) { oltTx, oltRx, onuTx, onuRx in
            let r = readings(oltTx: oltTx, oltRx: oltRx, onuTx: onuTx, onuRx: onuRx)
            #expect((r.downstreamAttenuation != nil) == (oltTx != nil && onuRx != nil))
            #expect((r.upstreamAttenuation != nil) == (onuTx != nil && oltRx != nil))
        }
    }
}
