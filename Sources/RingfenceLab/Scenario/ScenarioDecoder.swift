import RingfenceContent

/// Reads a scenario file strictly through ``ScenarioSchema``: an unknown key,
/// a wrong type, an out-of-range value or a duplicate agent name is a
/// ``YAMLSourceError`` naming the file, the key path and the line. Paths are
/// relative to the scenario file, and must exist. The file itself is read
/// through ``StrictYAML`` (size, depth and alias-expansion caps).
public enum ScenarioDecoder {
    public static func load(_ path: String) throws(YAMLSourceError) -> Scenario {
        let document = try StrictYAML(contentsOf: path)
        var scenario = Scenario(file: path, name: "")
        try readMapping(document.root, into: &scenario, keys: ScenarioSchema.top, ScenarioReading(file: path))
        return scenario
    }
}
