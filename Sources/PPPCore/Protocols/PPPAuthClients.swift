import Crypto

/// What an authentication client asks its owner to do.
public enum PPPAuthOutput: Sendable, Equatable {
    /// Send this information in a frame of the client's protocol (PAP or CHAP).
    case send([UInt8])
    /// The authenticator accepted us; its message.
    case succeeded(message: String)
    /// The authenticator refused us; its message, for the crew.
    case failed(message: String)
    /// The authenticator never answered.
    case timedOut
}

/// The PAP peer (RFC 1334): sends Authenticate-Request until an Ack or Nak, up to `maxRequests`.
public struct PAPClient: Sendable {
    /// The account name.
    public var username: String
    /// The account password.
    public var password: String
    /// Time between retransmissions.
    public var restartTimer: Duration
    /// Requests sent before giving up.
    public var maxRequests: Int
    /// When `tick(now:)` next has work.
    public private(set) var deadline: Duration?
    private var identifier: UInt8 = 0
    private var sent = 0
    private var done = false

    /// Makes the client.
    public init(username: String, password: String, restartTimer: Duration = .seconds(3), maxRequests: Int = 10) {
        self.username = username
        self.password = password
        self.restartTimer = restartTimer
        self.maxRequests = maxRequests
    }

    /// Sends the first Authenticate-Request.
    public mutating func start(now: Duration) -> [PPPAuthOutput] {
        done = false
        sent = 0
        return [sendRequest(now: now)]
    }

    /// Retransmits, or gives up after `maxRequests`.
    public mutating func tick(now: Duration) -> [PPPAuthOutput] {
        guard !done, let deadline, now >= deadline else { return [] }
        if sent >= maxRequests {
            done = true
            self.deadline = nil
            return [.timedOut]
        }
        return [sendRequest(now: now)]
    }

    /// Feeds a PAP frame's information.
    public mutating func receive(_ information: [UInt8], now: Duration) -> [PPPAuthOutput] {
        guard !done, let packet = try? PAPPacket.decode(information), packet.identifier == identifier else { return [] }
        switch packet {
        case .ack(_, let message):
            done = true
            deadline = nil
            return [.succeeded(message: String(decoding: message, as: UTF8.self))]
        case .nak(_, let message):
            done = true
            deadline = nil
            return [.failed(message: String(decoding: message, as: UTF8.self))]
        case .request:
            return []
        }
    }

    private mutating func sendRequest(now: Duration) -> PPPAuthOutput {
        identifier &+= 1
        sent += 1
        deadline = now + restartTimer
        return .send(
            PAPPacket.request(identifier: identifier, peerID: Array(username.utf8), password: Array(password.utf8))
                .encode())
    }
}

/// The CHAP peer (RFC 1994, MD5): answers each Challenge; the authenticator drives retransmission.
public struct CHAPClient: Sendable {
    /// The account name (sent as the Response's name).
    public var username: String
    /// The shared secret.
    public var password: String
    private var lastIdentifier: UInt8?
    private var done = false

    /// Makes the client.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The MD5 response to a challenge: MD5(identifier ‖ secret ‖ challenge).
    public static func response(identifier: UInt8, secret: [UInt8], challenge: [UInt8]) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(data: [identifier] + secret + challenge)
        return Array(md5.finalize())
    }

    /// Feeds a CHAP frame's information.
    public mutating func receive(_ information: [UInt8], now: Duration) -> [PPPAuthOutput] {
        guard let packet = try? CHAPPacket.decode(information) else { return [] }
        switch packet {
        case .challenge(let id, let value, _):
            // A new challenge after Success is a re-authentication; answer it too.
            done = false
            lastIdentifier = id
            let hash = Self.response(identifier: id, secret: Array(password.utf8), challenge: value)
            return [.send(CHAPPacket.response(identifier: id, value: hash, name: Array(username.utf8)).encode())]
        case .success(let id, let message):
            guard !done, id == lastIdentifier else { return [] }
            done = true
            return [.succeeded(message: String(decoding: message, as: UTF8.self))]
        case .failure(let id, let message):
            guard !done, id == lastIdentifier else { return [] }
            done = true
            return [.failed(message: String(decoding: message, as: UTF8.self))]
        case .response:
            return []
        }
    }
}
