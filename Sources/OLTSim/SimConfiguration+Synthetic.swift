import FTTHCore
import Foundation

extension SimConfiguration {
    /// A generated city for load tests and benchmarks: `olts` OLTs alternating Huawei MA5800 and
    /// ZTE C300, each with `onusPerOLT` customer ONUs already registered, spread over PON ports of
    /// 64 ONUs (eight 1:8 splitters each), with fibre lengths and ONT powers varied
    /// deterministically so that no two rows read alike. Agents listen on `basePort`,
    /// `basePort + 1`, … (0: any free port).
    public static func synthetic(
        olts: Int, onusPerOLT: Int, basePort: Int = 0, latencyMilliseconds: Int = 0,
        dialects: [VendorDialect] = [.huaweiMA5800, .zteC300]
    ) -> SimConfiguration {
        precondition(olts >= 1 && olts <= 4096, "between 1 and 4096 OLTs")
        precondition(onusPerOLT >= 0 && onusPerOLT <= 128 * 64, "at most 8192 ONUs per OLT")
        var list: [SimOLT] = []
        for o in 0..<olts {
            let dialect = dialects[o % dialects.count]
            let isHuawei = dialect == .huaweiMA5600T || dialect == .huaweiMA5800
            let ponCount = max(1, (onusPerOLT + 63) / 64)
            var pons: [SimPON] = []
            var remaining = onusPerOLT
            for p in 0..<ponCount {
                let address =
                    isHuawei
                    ? PONAddress(frame: 0, slot: 1 + p / 16, port: p % 16)
                    : PONAddress(frame: 1, slot: 2 + p / 16, port: 1 + p % 16)
                var splitters: [SimSplitter] = []
                for s in 0..<8 {
                    var onts: [SimONT] = []
                    for port in 1...8 where remaining > 0 {
                        let n = o * 100_000 + p * 64 + s * 8 + port
                        // Huawei ONT ids start at 0, ZTE ONU ids at 1.
                        let id = s * 8 + port - (isHuawei ? 1 : 0)
                        onts.append(
                            SimONT(
                                port: port, serial: ONUSerial(String(format: "SIMU%08X", n))!,
                                txDBm: 1.5 + Double(n % 20) / 10, dropMetres: Double(20 + n % 200), provisionedID: id,
                                name: "cust-\(o)-\(p)-\(id)"))
                        remaining -= 1
                    }
                    splitters.append(
                        SimSplitter(
                            name: "SP-\(o)-\(p)-\(s)", ratio: SplitRatio(outputs: 8)!,
                            fibreKm: 1 + Double((o + p + s) % 12) / 2,
                            onts: onts))
                }
                pons.append(SimPON(address: address, oltTxDBm: 2.5 + Double((o + p) % 10) / 5, splitters: splitters))
            }
            list.append(
                SimOLT(
                    name: "SIM-OLT-\(o)", address: ManagementAddress("10.100.\(o / 250).\(o % 250 + 1)")!,
                    dialect: dialect,
                    snmp: SimSNMP(port: basePort == 0 ? 0 : basePort + o, latencyMilliseconds: latencyMilliseconds),
                    pons: pons))
        }
        return SimConfiguration(olts: list, registrationSeconds: 5)
    }
}
