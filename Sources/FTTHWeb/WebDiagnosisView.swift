import FTTHCore

/// The values of the `diagnosis` partial: where a port's light is most likely lost, for a crew
/// in sunlight on a phone — the place in a few large words, how sure, the evidence sentence,
/// the losses small. Advisory, so it sits under the verdict and never changes it.
enum WebDiagnosisView {
    /// A port's diagnosis in the page's language; the evidence sentence is the core's own.
    static func values(_ d: Diagnosis, strings: WebStrings, language: WebLanguage) -> [String: Any] {
        let s = { (key: String) in strings.string(key, language) }
        let predicted = s("diagnosis_predicted_\(d.basis?.rawValue ?? "ranging")")
        func loss(_ measured: Decibels?, _ prediction: Decibels?, _ label: String) -> [String: Any]? {
            guard let measured else { return nil }
            var text = measured.description
            if let prediction {
                let excess = measured - prediction
                text += " (\(predicted) \(prediction), \(excess.centi >= 0 ? "+" : "")\(excess))"
            }
            return ["label": s(label), "value": text]
        }
        let losses = [
            loss(d.measuredDownstream, d.predictedDownstream, "diagnosis_down"),
            loss(d.measuredUpstream, d.predictedUpstream, "diagnosis_up"),
        ].compactMap { $0 }
        return [
            "place": d.place.rawValue, "placeText": s("diagnosis_place_\(d.place.rawValue)"),
            "certaintyText": s("diagnosis_certainty_\(d.certainty.rawValue)"), "evidence": d.evidence,
            "losses": losses, "hasLosses": !losses.isEmpty,
        ]
    }

    /// A splitter's diagnosis as a whole in the page's language.
    static func values(_ d: SplitterDiagnosis, strings: WebStrings, language: WebLanguage) -> [String: Any] {
        let s = { (key: String) in strings.string(key, language) }
        return [
            "place": d.place.rawValue, "placeText": s("diagnosis_place_\(d.place.rawValue)"),
            "certaintyText": s("diagnosis_certainty_\(d.certainty.rawValue)"), "evidence": d.evidence,
            "tested": d.tested, "lossy": d.lossyPorts.map(String.init).joined(separator: ", "),
            "hasLossy": !d.lossyPorts.isEmpty,
        ]
    }
}
