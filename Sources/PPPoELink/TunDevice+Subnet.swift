import CTun
import Foundation

extension TunDevice {
    /// Gives the interface an address with a subnet (`10.67.0.1/24`: a route to the whole subnet
    /// through it, as a BRAS's side of many sessions needs), its MTU, and sets it up. Throws `.tun`
    /// naming the step that failed, with ip's own message.
    public func configure(address: [UInt8], prefixLength: Int, mtu: Int) throws(PPPoELinkError) {
        precondition(address.count == 4 && (0...32).contains(prefixLength), "an IPv4 address and prefix length")
        let cidr = "\(Self.dotted(address))/\(prefixLength)"
        try Self.ip(
            ["address", "replace", cidr, "dev", name], code: .tun, what: "give \(name) the address \(cidr)",
            hint: "; is another interface holding that subnet (`ip -4 address`)?")
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
