import Foundation
import RingfenceContent

/// Reads a scenario file strictly through ``ScenarioSchema``: an unknown key,
/// a wrong type, an out-of-range value or a duplicate agent name is a
/// ``YAMLSourceError`` naming the file, the key path and the line. Paths are
/// relative to the scenario file, and must exist. The file itself is read
/// through ``StrictYAML`` (size, depth and alias-expansion caps).
public enum ScenarioDecoder {
    /// `allowing`: folders besides the scenario's own tree (and the shipped
    /// profiles) whose files it may name (`--allow`).
    public static func load(_ path: String, allowing allowed: [String] = []) throws(YAMLSourceError) -> Scenario {
        try decode(try StrictYAML(contentsOf: path), allowing: allowed)
    }

    /// Decodes a scenario from bytes, as if read from `file` (the fuzzer's way in).
    public static func decode(_ data: Data, file: String, allowing allowed: [String] = []) throws(YAMLSourceError) -> Scenario {
        try decode(try StrictYAML(data: data, file: file), allowing: allowed)
    }

    private static func decode(_ document: StrictYAML, allowing allowed: [String]) throws(YAMLSourceError) -> Scenario {
        var scenario = Scenario(file: document.file, name: "")
        try readMapping(document.root, into: &scenario, keys: ScenarioSchema.top, ScenarioReading(file: document.file, allowing: allowed))
        return scenario
    }
}
