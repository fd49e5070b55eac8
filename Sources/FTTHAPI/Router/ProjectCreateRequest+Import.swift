import FTTHCore
import FTTHWire

extension ProjectCreateRequest {
    /// The rows of a project export this body stands for (row `line` i + 1 is `splitters[i]`), to
    /// be checked by the rules of the CSV import.
    var table: CSVTable {
        var project: [String: String] = [:]
        project["project_code"] = code
        project["project_name"] = name
        project["acceptance_required"] = acceptanceRequired.map { $0 ? "yes" : "no" }
        project["service_test"] = serviceTest.map { $0 ? "yes" : "no" }
        let rows = splitters.enumerated().map { i, splitter in
            var fields = project
            typealias Key = Splitter.CodingKeys
            fields[Key.oltName.column] = splitter.oltName
            fields[Key.oltIP.column] = splitter.oltIP
            fields[Key.oltDialect.column] = splitter.oltDialect
            fields[Key.pon.column] = splitter.pon
            fields[Key.svlan.column] = splitter.svlan.map(String.init)
            fields[Key.name.column] = splitter.name
            fields[Key.ratio.column] = splitter.ratio
            fields[Key.ports.column] = splitter.ports.map(String.init)
            fields[Key.planMbps.column] = (splitter.planMbps ?? planMbps).map { String($0) }
            fields[Key.feederKm.column] = splitter.feederKm.map { String($0) }
            fields[Key.dropM.column] = splitter.dropM.map { String($0) }
            fields[Key.upstreamRatios.column] = splitter.upstreamRatios
            fields[Key.connectors.column] = splitter.connectors.map(String.init)
            fields[Key.splices.column] = splitter.splices.map(String.init)
            return CSVTable.Row(line: i + 1, fields: fields)
        }
        return CSVTable(file: "body", header: [], rows: rows)
    }

    /// The JSON field an export problem is about: `splitters[i].svlan` for a splitter's column,
    /// `code` for the project's.
    static func field(of location: CSVLocation?) -> String? {
        guard let location else { return nil }
        let splitter = location.line >= 1 ? "splitters[\(location.line - 1)]" : nil
        guard let column = location.column else { return splitter }
        if let key = CodingKeys.allCases.first(where: { $0.column == column }) { return key.rawValue }
        let key = Splitter.CodingKeys.allCases.first { $0.column == column }?.rawValue ?? column
        return splitter.map { "\($0).\(key)" } ?? key
    }
}
