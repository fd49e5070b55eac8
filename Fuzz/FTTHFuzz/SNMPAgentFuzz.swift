import OLTSim
import SNMPModel
import Synchronization

@testable import SNMPAgent

/// olt-sim's SNMP agent: the engine that decodes, authenticates and decrypts every received
/// datagram, then answers it from a simulated OLT's MIB, as olt-sim serves it. The first byte picks
/// the envelope, so that the fuzzer also reaches what lies behind USM's digest and encryption:
/// 0 the rest is a datagram as received; 1 the rest is a scoped PDU this harness encrypts and signs
/// for an authPriv user; 2 the rest is a scoped PDU it signs for an authNoPriv user. Bit 2 of the
/// first byte picks the Huawei or the ZTE OLT.
enum SNMPAgentFuzz {
    static let target = FuzzTarget(
        name: "snmp", summary: "olt-sim's SNMP agent: BER, v1/v2c/v3 messages, USM, the simulated MIB", run: run,
        seeds: seeds)

    static let privUser = SNMPv3Security(
        user: "fuzz-priv", auth: (.sha, "fuzz-auth-secret"), priv: (.aes, "fuzz-priv-secret"))
    static let authUser = SNMPv3Security(user: "fuzz-auth", auth: (.md5, "fuzz-auth-secret"))

    /// One engine per simulated OLT (Huawei MA5800, ZTE C300), time fixed at 1,000 s after boot.
    static let engines: [SNMPAgentEngine] = {
        let simulator = OLTSimulator(configuration: .synthetic(olts: 2, onusPerOLT: 16))
        let configuration = SNMPAgentConfiguration(
            port: 0, readOnlyCommunities: ["public"], readWriteCommunities: ["private"],
            users: [.init(privUser), .init(authUser), .init(SNMPv3Security(user: "fuzz-none"))])
        return simulator.mibs.map {
            SNMPAgentEngine(
                configuration: configuration, view: SimulatedMIBView(mib: $0), counters: SNMPAgentCounters(),
                elapsed: { .seconds(1000) })
        }
    }()

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let engine = engines[Int(mode >> 2) % engines.count]
        let rest = Array(bytes.dropFirst())
        switch mode & 3 {
        case 1:
            exchange(engine, signed(scopedPDU: rest, user: privUser, engine: engine))
        case 2:
            exchange(engine, signed(scopedPDU: rest, user: authUser, engine: engine))
        default:
            exchange(engine, rest)
        }
    }

    /// What the agent would send back to `datagram`; every answer must decode again.
    static func exchange(_ engine: SNMPAgentEngine, _ datagram: [UInt8]) {
        let reply: SNMPAgentEngine.Reply?
        switch engine.intake(datagram) {
        case .drop: reply = nil
        case .reply(let report): reply = report
        case .request(let request):
            // The view is async; libFuzzer's callback is not. The task runs on this thread: a
            // hop to the global pool and back costs milliseconds on a busy machine.
            let answered = AnswerBox()
            Task(executorPreference: InlineExecutor.shared) { answered.reply = await engine.process(request) }
            InlineExecutor.shared.drain()
            guard answered.done else { fatalError("the agent's answer did not finish on the fuzzing thread") }
            reply = answered.reply
        }
        if let reply {
            do {
                _ = try SNMPMessage(decoding: reply.bytes)
            } catch {
                fatalError("the agent sent a reply it cannot decode itself: \(error)")
            }
        }
    }

    /// `scopedPDU` (any bytes) as the data of a v3 message from `user`, in the engine's time
    /// window, encrypted when the user has privacy and signed with the user's localized key.
    static func signed(scopedPDU: [UInt8], user: SNMPv3Security, engine: SNMPAgentEngine) -> [UInt8] {
        guard let local = engine.users[Array(user.user.utf8)], let auth = local.auth else {
            fatalError("the fuzz engine lacks the user \(user.user)")
        }
        var flags: SNMPv3Message.Flags = [.reportable, .authenticated]
        var data: SNMPv3Message.ScopedPDUData
        var salt: [UInt8] = []
        if let key = local.privacyKey {
            flags.insert(.privacy)
            salt = USMPrivacy.salt(0x0102_0304_0506_0708)
            guard
                let ciphertext = try? USMPrivacy.encrypt(
                    scopedPDU, key: key, engineBoots: engine.engineBoots, engineTime: engine.engineTime, salt: salt)
            else { return [] }
            data = .encrypted(ciphertext)
        } else {
            guard let scoped = try? SNMPScopedPDU.decode(decrypted: scopedPDU) else { return [] }
            data = .plaintext(scoped)
        }
        let message = SNMPv3Message(
            messageID: 1, maxSize: 65507, flags: flags,
            security: USMSecurityParameters(
                engineID: engine.engineID, engineBoots: engine.engineBoots, engineTime: engine.engineTime,
                userName: local.name, authenticationParameters: [UInt8](repeating: 0, count: auth.macLength),
                privacyParameters: salt),
            data: data)
        var (bytes, offset) = message.encodedWithAuthOffset()
        bytes.replaceSubrange(offset..<(offset + auth.macLength), with: auth.mac(bytes, key: local.authKey))
        return bytes
    }

    /// GET, GETNEXT, GETBULK and SET of OIDs from recorded walks (`.snmprec`: `OID|type|value`),
    /// in each envelope.
    static func seeds(_ fixtures: [String]) -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (fileIndex, path) in fixtures.enumerated() {
            guard let text = FuzzCommand.read(path).map({ String(decoding: $0, as: UTF8.self) }) else { continue }
            let lines = text.split(separator: "\n")
            let step = max(1, lines.count / 4)
            for (lineIndex, line) in lines.enumerated() where lineIndex % step == 0 {
                let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, let oid = OID(String(fields[0])) else { continue }
                let value: SNMPValue = fields[1] == "2" ? .integer(Int64(fields[2]) ?? 0) : .string(String(fields[2]))
                let pdus = [
                    SNMPPDU(type: .getRequest, requestID: 1, varBinds: [VarBind(oid, .null)]),
                    SNMPPDU(type: .getNextRequest, requestID: 2, varBinds: [VarBind(oid, .null)]),
                    SNMPPDU.getBulk(requestID: 3, nonRepeaters: 0, maxRepetitions: 10, varBinds: [VarBind(oid, .null)]),
                    SNMPPDU(type: .setRequest, requestID: 4, varBinds: [VarBind(oid, value)]),
                ]
                for (pduIndex, pdu) in pdus.enumerated() {
                    let prefix = "snmp-\(fileIndex)-\(lineIndex)-\(pduIndex)"
                    let community: [UInt8] = Array((pdu.type == .setRequest ? "private" : "public").utf8)
                    let v1 = pdu.type != .getBulkRequest && lineIndex % 2 == 0
                    let message: SNMPMessage =
                        v1 ? .v1(community: community, pdu: pdu) : .v2c(community: community, pdu: pdu)
                    let scoped = SNMPScopedPDU(contextEngineID: [], contextName: [], pdu: pdu).encoded()
                    seeds.append(("\(prefix)-community", [UInt8(lineIndex % 2) << 2] + message.encoded()))
                    seeds.append(("\(prefix)-authpriv", [1 | UInt8(lineIndex % 2) << 2] + scoped))
                    seeds.append(("\(prefix)-auth", [2 | UInt8(lineIndex % 2) << 2] + scoped))
                }
            }
        }
        // A v3 discovery request (no user, no engine ID) and a noAuthNoPriv request as received.
        let discovery = SNMPv3Message(
            messageID: 9, maxSize: 65507, flags: [.reportable],
            security: USMSecurityParameters(
                engineID: [], engineBoots: 0, engineTime: 0, userName: [], authenticationParameters: [],
                privacyParameters: []),
            data: .plaintext(
                SNMPScopedPDU(
                    contextEngineID: [], contextName: [], pdu: SNMPPDU(type: .getRequest, requestID: 9, varBinds: []))))
        seeds.append(("snmp-v3-discovery", [0] + SNMPMessage.v3(discovery).encoded()))
        return seeds
    }
}

/// Carries the reply out of the task that computed it. Only the fuzzing thread touches it: the
/// task runs there (``InlineExecutor``).
private final class AnswerBox: @unchecked Sendable {
    var reply: SNMPAgentEngine.Reply? {
        didSet { done = true }
    }
    private(set) var done = false
}

/// Runs the jobs of tasks that prefer it on the thread that calls ``drain()``: the agent's async
/// path without threads, as fast and as deterministic as libFuzzer wants.
final class InlineExecutor: TaskExecutor {
    static let shared = InlineExecutor()
    private let jobs = Mutex<[UnownedJob]>([])

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
    }

    /// Runs queued jobs until none is left.
    func drain() {
        while let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// A simulated OLT's MIB as olt-sim's agent serves it (one context).
struct SimulatedMIBView: MIBView {
    let mib: SimulatedMIB

    func get(_ oid: OID, context: String) async -> SNMPValue { mib.get(oid) }
    func next(after oid: OID, context: String) async -> VarBind? { mib.next(after: oid) }
    func set(_ bindings: [VarBind], context: String) async -> (status: Int, index: Int)? { mib.set(bindings) }
}
