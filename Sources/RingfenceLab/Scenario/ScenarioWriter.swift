import Yams

/// Writes a scenario back as YAML through ``ScenarioSchema``, every key
/// included, defaults too, so that the file reads to the same scenario
/// whatever the defaults become. `relocate` maps each file the scenario
/// names to what the written file should say (a replay bundle's own copy).
public enum ScenarioWriter {
    public static func yaml(_ scenario: Scenario, relocate: @escaping (String) -> String) -> String {
        let node = writeMapping(scenario, keys: ScenarioSchema.top, ScenarioWriting(relocate: relocate))
        return (try? Yams.serialize(node: node, width: -1, sortKeys: false)) ?? ""
    }
}
