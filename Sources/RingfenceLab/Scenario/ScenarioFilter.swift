import Glibc

/// `run --filter PATTERN`: which scenarios run, by name. A pattern with a
/// shell wildcard (`*`, `?`, `[`) matches the whole name as fnmatch(3) does
/// (`july19-*`); any other pattern matches a part of the name, as pytest's
/// `-k` does for a plain word.
public struct ScenarioFilter: Sendable {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ name: String) -> Bool {
        if pattern.contains(where: { "*?[".contains($0) }) { return fnmatch(pattern, name, 0) == 0 }
        return name.contains(pattern)
    }
}
