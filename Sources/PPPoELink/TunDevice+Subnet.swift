import CTun
import Foundation

extension TunDevice {
    /// Gives the interface an address with a subnet (`10.67.0.1/24`: a route to the whole subnet
    /// through it, as a BRAS's side of many sessions needs), its MTU, and sets it up. Throws `.tun`
    /// naming the step that failed, with ip's own message.
    public func configure(address: [UInt8], prefixLength: Int, mtu: Int) throws(PPPoELinkError) {
        precondition(address.count == 4 && (0...32).contains(prefixLength), "an IPv4 address and prefix length")
        let cidr = "\(Self.dotted(address))/\(prefixLength)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["address", "replace", cidr, "dev", name]
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PPPoELinkError(
                .tun, "cannot run /usr/sbin/ip to give \(name) the address \(cidr): \(error); install iproute2")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw PPPoELinkError(
                .tun,
                "ip address replace \(cidr) dev \(name) failed: "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines)
                    + "; is another interface holding that subnet (`ip -4 address`)?")
        }
        let steps: [(String, () -> Int32)] = [
            ("setting MTU \(mtu)", { ftth_if_set_mtu(self.name, Int32(mtu)) }),
            ("setting it up", { ftth_if_set_up(self.name) }),
        ]
        for (what, step) in steps {
            let status = step()
            guard status == 0 else {
                throw PPPoELinkError(.tun, "TUN interface \(name): \(what) failed: \(errnoText(status))")
            }
        }
    }
}
