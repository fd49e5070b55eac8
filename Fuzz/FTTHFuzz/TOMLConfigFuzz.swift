import FTTHConfig
import OLTSim

/// The TOML configurations: ftth-acceptd's (``AcceptdConfiguration``) and olt-sim's
/// (``SimConfiguration``), both read from text. Both readers read every input; a bad file must
/// throw ``ConfigurationError`` naming the key, never trap.
enum TOMLConfigFuzz {
    static let target = FuzzTarget(
        name: "toml", summary: "ftth-acceptd's and olt-sim's TOML configuration readers", run: run)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for read in [{ _ = try AcceptdConfiguration(toml: $0) }, { _ = try SimConfiguration(toml: $0) }]
            as [(String) throws -> Void]
        {
            do {
                try read(text)
            } catch let error as ConfigurationError {
                _ = error.description
            } catch {
                fatalError("reading TOML threw \(type(of: error)), not ConfigurationError: \(error)")
            }
        }
    }
}
