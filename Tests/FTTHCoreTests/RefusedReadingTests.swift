import Foundation
import Testing

@testable import FTTHCore

@Suite("A reading the OLT refused")
struct RefusedReadingTests {
    @Test func itSaysTheOLTRefusedAndKeepsTheOLTsWords() throws {
        let none = NoReading(cause: .refused, raw: "Failure: The ONT did not answer")
        #expect(none.description == "no reading (the OLT refused to read it): Failure: The ONT did not answer")
        #expect(NoReading(cause: .refused).description == "no reading (the OLT refused to read it)")
        let reading = PowerReading.missing(.refused, raw: "%Code 32399-GPONSRV : no answer")
        #expect(reading.value == nil)
        let coded = try JSONDecoder().decode(PowerReading.self, from: JSONEncoder().encode(reading))
        #expect(coded == reading)
    }
}
