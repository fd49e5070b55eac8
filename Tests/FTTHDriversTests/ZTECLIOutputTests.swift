import FTTHCore
import Testing

@testable import FTTHDrivers

/// ZTE output as docs/cli-dialects.md gives it, the attenuation lines as public parser code
/// prints them (there is no ZTE CLI recording among the fixtures).
@Suite struct ZTECLIOutputTests {
    static let attenuationOnline = """
                   OLT                  ONU              Attenuation
        --------------------------------------------------------------------------
         up      Rx :-20.241(dbm)      Tx:2.423(dbm)        22.664(dB)

         down    Tx :5.369(dbm)        Rx:-16.676(dbm)      22.045(dB)
        """

    @Test func attenuationGivesTheFourPowers() {
        let a = ZTECLIOutput.attenuation(Self.attenuationOnline)
        #expect(a.oltRx.value == DBm(centi: -2024))
        #expect(a.onuTx.value == DBm(centi: 242))
        #expect(a.oltTx.value == DBm(centi: 537))
        #expect(a.onuRx.value == DBm(centi: -1668))
    }

    @Test func offlineAttenuationIsNoReadingWithTheText() {
        let text = """
             up      Rx :N/A               Tx:N/A               N/A
             down    Tx :5.369(dbm)        Rx:no signal         N/A
            """
        let a = ZTECLIOutput.attenuation(text)
        #expect(a.oltRx == .missing(.sentinel, raw: "N/A"))
        #expect(a.onuTx == .missing(.sentinel, raw: "N/A"))
        #expect(a.onuRx == .missing(.sentinel, raw: "no signal"))
        #expect(a.oltTx.value == DBm(centi: 537))
    }

    @Test(arguments: ["gpon-onu_1/2/1:5", "gpon_onu-1/2/1:5", "1/2/1:5"])
    func stateRowsInEverySpelling(interface: String) {
        let text = """
            OnuIndex            Admin State  OMCC State  O7 State   Phase State
            --------------------------------------------------------------------
            \(interface)     enable       enable      operation  working
            \(interface.replacingOccurrences(of: ":5", with: ":6"))     enable       disable     unknown    LOS
            ONU Number: 2/2
            """
        let rows = ZTECLIOutput.states(text)
        #expect(rows.map(\.onuID) == [5, 6])
        #expect(rows.map(\.runState) == [.online, .offline])
        #expect(rows.last?.phase == "LOS")
    }

    @Test func baseInfoGivesSerialOrPassword() {
        let text = """
            OnuIndex          Type          Mode    AuthInfo                State
            ---------------------------------------------------------------------
            gpon-onu_1/2/1:1  ZTE-F660      sn      SN:ZTEGC0FFEE01         ready
            gpon-onu_1/2/1:2  ZTE-F660      pw      PW:0123456789           ready
            """
        let rows = ZTECLIOutput.baseInfo(text)
        #expect(rows.count == 2)
        #expect(rows[0].serial == ONUSerial("ZTEGC0FFEE01"))
        #expect(rows[0].type == "ZTE-F660")
        #expect(rows[1].password == "0123456789")
        #expect(rows[1].serial == nil)
    }

    @Test func runningConfigKeepsTheConfigurationLines() {
        let text = """
            Building configuration...
            interface gpon-onu_1/2/1:5
              name FT-0A140002-1-2-1-S1-P3
              tcont 1 profile ftth-test
              gemport 1 tcont 1
              service-port 1 vport 1 user-vlan 2001 vlan 2001 svlan 200
            !
            end
            """
        #expect(
            ZTECLIOutput.runningConfig(text) == [
                "name FT-0A140002-1-2-1-S1-P3", "tcont 1 profile ftth-test", "gemport 1 tcont 1",
                "service-port 1 vport 1 user-vlan 2001 vlan 2001 svlan 200",
            ])
    }

    @Test func huaweiServicePortRowsAndAddReply() {
        let table = """
              Switch-Oriented Flow List
              -----------------------------------------------------------------------------
               INDEX VLAN VLAN     PORT F/ S/ P VPI  VCI   FLOW  FLOW       RX   TX   STATE
                     ID   ATTR     TYPE                    TYPE  PARA
              -----------------------------------------------------------------------------
                  12 100  common   gpon 0/1 /1  0    1     vlan  2001       35   35   up
              -----------------------------------------------------------------------------
               Total : 1  (Up/Down :    1/0)
            """
        #expect(
            HuaweiCLIOutput.servicePorts(table) == [
                .init(index: 12, vlan: 100, onuID: 0, gemport: 1, userVLAN: 2001)
            ])
        #expect(
            HuaweiCLIOutput.addedONTID("  Number of ONTs that can be added: 1, success: 1\n  PortID :1, ONTID :7\n")
                == 7)
        #expect(HuaweiCLIOutput.addedONTID("  Number of ONTs that can be added: 1, success: 0\n") == nil)
        #expect(HuaweiCLIOutput.portTxPower("  TX power(dBm)                     3.18\n").value == DBm(centi: 318))
        #expect(HuaweiCLIOutput.portTxPower("  Port state     Online\n") == .missing(.absent))
    }
}
