/// Reads one criterion from YAML.
///
///     "*"                                   wildcard
///     'C:\Windows\System32\lsass.exe'       literal (exact bytes)
///     { equals: lsass.exe, ignoreCase: true }
///     { regex: '^\\\\\.\\pipe\\MSSE-\d+-server$' }
///     { all: [ ... ] }   { any: [ ... ] }   { not: ... }
///
/// A bare `*` is YAML alias syntax, so the wildcard must be quoted.
enum CriterionSource {
    static func read(_ value: YAMLValue) throws(YAMLSourceError) -> Criterion {
        if value.isScalar {
            let text = try value.string()
            return text == "*" ? .wildcard : .literal(text, caseInsensitive: false)
        }
        let keys = ["equals", "regex", "ignoreCase", "all", "any", "not"]
        let map = try value.mapping(allowed: keys)
        let ignoreCase = try map["ignoreCase"]?.bool() ?? false
        let forms = map.entries.map(\.key).filter { $0 != "ignoreCase" }
        guard forms.count == 1, let form = forms.first, let operand = map[form] else {
            throw value.error("a criterion needs exactly one of equals, regex, all, any, not")
        }
        if ignoreCase && form != "equals" && form != "regex" {
            throw value.error("ignoreCase applies only to equals and regex")
        }
        switch form {
        case "equals": return .literal(try operand.string(), caseInsensitive: ignoreCase)
        case "regex":
            let pattern = try operand.string()
            do {
                // Syntax only: compiling could set off an "oversized" pattern in the tool itself.
                _ = try ByteRegex.inspect(pattern, caseInsensitive: ignoreCase)
            } catch {
                throw operand.error("invalid regex: \(error)")
            }
            return .regex(pattern, caseInsensitive: ignoreCase)
        case "not": return .not(try read(operand))
        default:
            var children: [Criterion] = []
            for child in try operand.sequence() { children.append(try read(child)) }
            return form == "all" ? .all(children) : .any(children)
        }
    }
}
