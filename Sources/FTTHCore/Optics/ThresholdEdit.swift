import Foundation

extension ThresholdKey {
    /// The values a limit may be set to, in its unit: anything outside is a typing mistake.
    public static let plausibleLimits: ClosedRange<Double> = -100...100

    /// Why `value` cannot be this limit (not a finite number within ``plausibleLimits``); nil
    /// when it can. The one check every way of editing a profile (the API, the web pages) makes.
    public func limitProblem(_ value: Double) -> ThresholdProblem? {
        value.isFinite && Self.plausibleLimits.contains(value)
            ? nil : ThresholdProblem(key: self, message: "\(value) \(unit) is not a plausible limit")
    }
}

extension ThresholdProfile {
    /// The profile with `settings` applied, or the first problem that makes it meaningless
    /// (``validationProblems()``): what a change is checked by before it is stored.
    public func applying(_ settings: [ThresholdSetting]) throws(ThresholdProblem) -> ThresholdProfile {
        var profile = self
        for setting in settings { profile.apply(setting) }
        if let problem = profile.validationProblems().first { throw problem }
        return profile
    }
}

extension ThresholdProblem: Error {}
