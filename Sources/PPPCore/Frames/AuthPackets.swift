/// A PAP packet (RFC 1334): the peer's credentials, or the authenticator's verdict and message.
public enum PAPPacket: Sendable, Equatable {
    /// Authenticate-Request (code 1): peer id and password.
    case request(identifier: UInt8, peerID: [UInt8], password: [UInt8])
    /// Authenticate-Ack (code 2) with its message.
    case ack(identifier: UInt8, message: [UInt8])
    /// Authenticate-Nak (code 3) with its message.
    case nak(identifier: UInt8, message: [UInt8])

    /// The identifier.
    public var identifier: UInt8 {
        switch self {
        case .request(let id, _, _), .ack(let id, _), .nak(let id, _): id
        }
    }

    /// Decodes a PAP frame's information; throws `FrameError` on an unknown code or bad lengths.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> PAPPacket {
        let packet = try PPPControlPacket.decode(bytes, layer: "PAP")
        var reader = ByteReader(packet.data, layer: "PAP")
        switch packet.code {
        case 1:
            let peerID = try reader.take(Int(try reader.u8()))
            let password = try reader.take(Int(try reader.u8()))
            return .request(identifier: packet.identifier, peerID: peerID, password: password)
        case 2, 3:
            // A missing message (length 0 data) is tolerated: some servers send none.
            let message = reader.remaining == 0 ? [] : try reader.take(Int(try reader.u8()))
            return packet.code == 2
                ? .ack(identifier: packet.identifier, message: message)
                : .nak(identifier: packet.identifier, message: message)
        default:
            throw FrameError("PAP", "unknown code \(packet.code)")
        }
    }

    /// The information bytes of the PAP frame.
    public func encode() -> [UInt8] {
        switch self {
        case .request(let id, let peerID, let password):
            let peer = Array(peerID.prefix(255))
            let pass = Array(password.prefix(255))
            let data = [UInt8(peer.count)] + peer + [UInt8(pass.count)] + pass
            return PPPControlPacket(code: 1, identifier: id, data: data).encode()
        case .ack(let id, let message), .nak(let id, let message):
            let text = Array(message.prefix(255))
            let code: UInt8 = if case .ack = self { 2 } else { 3 }
            return PPPControlPacket(code: code, identifier: id, data: [UInt8(text.count)] + text).encode()
        }
    }
}

/// A CHAP packet (RFC 1994).
public enum CHAPPacket: Sendable, Equatable {
    /// Challenge (code 1): value and the authenticator's name.
    case challenge(identifier: UInt8, value: [UInt8], name: [UInt8])
    /// Response (code 2): the hash and the peer's name.
    case response(identifier: UInt8, value: [UInt8], name: [UInt8])
    /// Success (code 3) with its message.
    case success(identifier: UInt8, message: [UInt8])
    /// Failure (code 4) with its message.
    case failure(identifier: UInt8, message: [UInt8])

    /// The identifier.
    public var identifier: UInt8 {
        switch self {
        case .challenge(let id, _, _), .response(let id, _, _), .success(let id, _), .failure(let id, _): id
        }
    }

    /// Decodes a CHAP frame's information; throws `FrameError` on an unknown code or bad lengths.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> CHAPPacket {
        let packet = try PPPControlPacket.decode(bytes, layer: "CHAP")
        var reader = ByteReader(packet.data, layer: "CHAP")
        switch packet.code {
        case 1, 2:
            let value = try reader.take(Int(try reader.u8()))
            let name = reader.rest()
            return packet.code == 1
                ? .challenge(identifier: packet.identifier, value: value, name: name)
                : .response(identifier: packet.identifier, value: value, name: name)
        case 3: return .success(identifier: packet.identifier, message: packet.data)
        case 4: return .failure(identifier: packet.identifier, message: packet.data)
        default: throw FrameError("CHAP", "unknown code \(packet.code)")
        }
    }

    /// The information bytes of the CHAP frame.
    public func encode() -> [UInt8] {
        switch self {
        case .challenge(let id, let value, let name), .response(let id, let value, let name):
            let code: UInt8 = if case .challenge = self { 1 } else { 2 }
            let val = Array(value.prefix(255))
            return PPPControlPacket(code: code, identifier: id, data: [UInt8(val.count)] + val + name).encode()
        case .success(let id, let message):
            return PPPControlPacket(code: 3, identifier: id, data: message).encode()
        case .failure(let id, let message):
            return PPPControlPacket(code: 4, identifier: id, data: message).encode()
        }
    }
}
