import FTTHCore
import Foundation

// The JSON bodies of the API. Property names are camelCase here and snake_case on the wire
// (``APIRequestContext/responseEncoder``). Optional values are always written, as null when absent,
// so that every column of the activation list and every limit is present.

/// A power or attenuation as a JSON number with at most two decimals (`-21.4`, `3.05`).
struct CentiNumber: Encodable, Sendable {
    var centi: Int

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        // Hundredths over 100 round-trip to the same shortest decimal: -2140 → -21.4, never -21.399….
        try container.encode(Double(centi) / 100)
    }
}

/// Writes optionals as explicit nulls, unlike the synthesised `encodeIfPresent`.
protocol ExplicitNullEncodable: Encodable {
    associatedtype Keys: CodingKey
    func encodeFields(_ container: inout KeyedEncodingContainer<Keys>) throws
}

extension ExplicitNullEncodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try encodeFields(&container)
    }
}

struct ProjectListResponse: Encodable {
    var projects: [ProjectResponse]
}

struct ProjectResponse: Encodable {
    var code: String
    var name: String
    var state: String
    var acceptanceRequired: Bool
    var splitters: Int
    var ports: Int
    var tested: Int
    var passed: Int
    var failed: Int

    init(_ s: ProjectSummary) {
        code = s.project.code
        name = s.project.name
        state = s.project.state.rawValue
        acceptanceRequired = s.project.acceptanceRequired
        splitters = s.splitters
        ports = s.ports
        tested = s.tested
        passed = s.passed
        failed = s.failed
    }
}

struct ImportSummaryResponse: Encodable {
    var projects: Int
    var olts: Int
    var ponPorts: Int
    var splitters: Int
    var ports: Int

    init(_ s: ImportSummary) {
        projects = s.projects
        olts = s.olts
        ponPorts = s.ponPorts
        splitters = s.splitters
        ports = s.ports
    }
}

struct ProjectStateResponse: Encodable {
    var code: String
    var state: String
}

struct ActivationListResponse: Encodable {
    var projectCode: String
    var ports: [ActivationRowResponse]
}

/// One line of the activation list: the columns of DESIGN §2 step 2 and the verdicts.
struct ActivationRowResponse: ExplicitNullEncodable {
    enum Keys: String, CodingKey {
        case splitter, splitterPort = "splitter_port", oltIp = "olt_ip", oltName = "olt_name", dialect
        case ponPort = "pon_port", onuName = "onu_name", svlan, cvlan, onuSerial = "onu_serial"
        case onuPassword = "onu_password", activationStatus = "activation_status", testStatus = "test_status"
        case lineVerdict = "line_verdict", serviceVerdict = "service_verdict", overallVerdict = "overall_verdict"
    }

    var row: ActivationListRow

    init(_ row: ActivationListRow) { self.row = row }

    func encodeFields(_ c: inout KeyedEncodingContainer<Keys>) throws {
        try c.encode(row.key.splitter, forKey: .splitter)
        try c.encode(row.key.port, forKey: .splitterPort)
        try c.encode(row.olt.text, forKey: .oltIp)
        try c.encode(row.oltName, forKey: .oltName)
        try c.encode(row.dialect.rawValue, forKey: .dialect)
        try c.encode(row.pon.description, forKey: .ponPort)
        try c.encode(row.onuName, forKey: .onuName)
        try c.encode(row.svlan.value, forKey: .svlan)
        try c.encode(row.cvlan?.value, forKey: .cvlan)
        try c.encode(row.onuSerial?.text, forKey: .onuSerial)
        try c.encode(row.onuPassword, forKey: .onuPassword)
        try c.encode(row.workflow.activation.rawValue, forKey: .activationStatus)
        try c.encode(row.workflow.testStatus.rawValue, forKey: .testStatus)
        try c.encode(row.workflow.verdict.line?.rawValue, forKey: .lineVerdict)
        try c.encode(row.workflow.verdict.service?.rawValue, forKey: .serviceVerdict)
        try c.encode(row.workflow.verdict.overall?.rawValue, forKey: .overallVerdict)
    }
}

/// One line-quality result: the four powers (null: no reading), both attenuations, the verdict.
struct LineResultResponse: ExplicitNullEncodable {
    enum Keys: String, CodingKey {
        case at, profile, verdict, reasons, warnings, checks, limits
        case runID = "run_id"
        case oltTxDbm = "olt_tx_dbm", oltRxDbm = "olt_rx_dbm", onuTxDbm = "onu_tx_dbm", onuRxDbm = "onu_rx_dbm"
        case downstreamAttenuationDb = "downstream_attenuation_db", upstreamAttenuationDb = "upstream_attenuation_db"
    }

    var record: LineResultRecord

    init(_ record: LineResultRecord) { self.record = record }

    func encodeFields(_ c: inout KeyedEncodingContainer<Keys>) throws {
        let r = record.readings
        try c.encode(record.at, forKey: .at)
        try c.encode(record.verdict.profile, forKey: .profile)
        try c.encode(record.verdict.verdict.rawValue, forKey: .verdict)
        try c.encode(record.verdict.reasons, forKey: .reasons)
        try c.encode(record.verdict.warnings, forKey: .warnings)
        try c.encode(record.runID, forKey: .runID)
        // Every check as judged, binding or advisory, for an engineer reading the record.
        try c.encode(
            record.verdict.checks.map {
                CheckResponse(
                    check: $0.check.rawValue, outcome: $0.outcome.rawValue, binding: $0.binding, reason: $0.reason)
            }, forKey: .checks)
        try c.encode(record.verdict.limits.map(ThresholdProfileResponse.init), forKey: .limits)
        try c.encode(r.oltTx.value.map { CentiNumber(centi: $0.centi) }, forKey: .oltTxDbm)
        try c.encode(r.oltRx.value.map { CentiNumber(centi: $0.centi) }, forKey: .oltRxDbm)
        try c.encode(r.onuTx.value.map { CentiNumber(centi: $0.centi) }, forKey: .onuTxDbm)
        try c.encode(r.onuRx.value.map { CentiNumber(centi: $0.centi) }, forKey: .onuRxDbm)
        try c.encode(
            record.verdict.downstreamAttenuation.map { CentiNumber(centi: $0.centi) }, forKey: .downstreamAttenuationDb)
        try c.encode(
            record.verdict.upstreamAttenuation.map { CentiNumber(centi: $0.centi) }, forKey: .upstreamAttenuationDb)
    }
}

/// One check of a line result.
struct CheckResponse: Encodable {
    var check: String
    var outcome: String
    var binding: Bool
    var reason: String
}

struct HistoryEntryResponse: ExplicitNullEncodable {
    enum Keys: String, CodingKey { case at, event, detail, actor }
    var entry: HistoryEntry

    init(_ entry: HistoryEntry) { self.entry = entry }

    func encodeFields(_ c: inout KeyedEncodingContainer<Keys>) throws {
        try c.encode(entry.at, forKey: .at)
        try c.encode(entry.event, forKey: .event)
        try c.encode(entry.detail, forKey: .detail)
        try c.encode(entry.actor, forKey: .actor)
    }
}

struct PortResultsResponse: Encodable {
    var port: ActivationRowResponse
    /// Oldest first.
    var results: [LineResultResponse]
    var history: [HistoryEntryResponse]
}

/// A profile with every limit; null means the check is off.
struct ThresholdProfileResponse: ExplicitNullEncodable {
    struct Keys: CodingKey {
        var stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    var profile: ThresholdProfile

    init(_ profile: ThresholdProfile) { self.profile = profile }

    func encodeFields(_ c: inout KeyedEncodingContainer<Keys>) throws {
        try c.encode(profile.name, forKey: Keys(stringValue: "name"))
        for key in ThresholdKey.allCases {
            try c.encode(profile[centi: key].map(CentiNumber.init(centi:)), forKey: Keys(stringValue: key.rawValue))
        }
        // Each check's binding, as the PUT body sets it: true fails the port, false only warns.
        let binding = Dictionary(
            uniqueKeysWithValues: ThresholdKey.allCases.map { ($0.rawValue, profile.binds($0.check)) })
        try c.encode(binding, forKey: Keys(stringValue: "binding"))
    }
}

struct ThresholdProfilesResponse: Encodable {
    var profiles: [ThresholdProfileResponse]
}

/// One audited change: who, when, which limit, old → new (null: the check was or is off).
struct ThresholdChangeResponse: ExplicitNullEncodable {
    enum Keys: String, CodingKey {
        case at, actor, profile, key, aspect, oldValue = "old_value", newValue = "new_value"
    }
    var change: ThresholdChange

    init(_ change: ThresholdChange) { self.change = change }

    func encodeFields(_ c: inout KeyedEncodingContainer<Keys>) throws {
        func number(_ text: String?) -> Double? { text.flatMap(Double.init) }
        try c.encode(change.at, forKey: .at)
        try c.encode(change.actor, forKey: .actor)
        try c.encode(change.profile, forKey: .profile)
        try c.encode(change.key.rawValue, forKey: .key)
        try c.encode(change.aspect.rawValue, forKey: .aspect)
        switch change.aspect {
        case .limit:
            try c.encode(number(change.oldValue), forKey: .oldValue)
            try c.encode(number(change.newValue), forKey: .newValue)
        case .binding:
            // `binding` or `advisory`.
            try c.encode(change.oldValue, forKey: .oldValue)
            try c.encode(change.newValue, forKey: .newValue)
        }
    }
}

struct ThresholdUpdateResponse: Encodable {
    var profile: ThresholdProfileResponse
    var changes: [ThresholdChangeResponse]
}

struct ThresholdHistoryResponse: Encodable {
    var profile: String
    var changes: [ThresholdChangeResponse]
}
