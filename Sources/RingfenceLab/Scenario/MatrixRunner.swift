/// `ringfence matrix`: runs the cross product of the varied settings on one
/// scenario, and reads the result: which single changes turn the worst
/// outcome into one the host survives.
public struct MatrixRunner {
    public let base: Scenario
    public let variations: [(key: Scenario.Variable, values: [String])]

    public init(base: Scenario, variations: [(key: Scenario.Variable, values: [String])]) {
        self.base = base
        self.variations = variations
    }

    /// Every combination, in --vary order (the first key varies slowest).
    public func combinations() throws(ScenarioError) -> [(values: [String], scenario: Scenario)] {
        var combinations: [[String]] = [[]]
        for variation in variations {
            combinations = combinations.flatMap { prefix in variation.values.map { prefix + [$0] } }
        }
        return try combinations.map { values throws(ScenarioError) in
            var scenario = base
            for (index, value) in values.enumerated() { try scenario.apply(variations[index].key, value) }
            scenario.name = ([base.name] + zip(variations.map(\.key.rawValue), values).map { "\($0)=\($1)" }).joined(separator: ",")
            scenario.expect = Scenario.Expectations()  // a matrix explores; it does not judge
            return (values, scenario)
        }
    }

    public func run(with runner: ScenarioRunner) throws(ScenarioError) -> RunReport {
        let combinations = try combinations()
        let reports = runner.run(combinations.map(\.scenario))
        let rows = zip(combinations, reports).map { combination, report in
            MatrixReport.Row(values: combination.values, outcome: report.outcome, hostCrashes: report.host.crashes, boots: report.host.boots,
                             restarts: report.restarts, missed: report.missed)
        }
        let baseValues = variations.map { base.value(of: $0.key) }
        let keys = variations.map(\.key.rawValue)
        let matrix = MatrixReport(keys: keys, rows: rows, reading: Self.reading(keys: keys, rows: rows, base: baseValues))
        return RunReport(scenarios: reports, matrix: matrix)
    }

    /// "Worst: boot-loop with isolation=kernel, ... Single changes that make it
    /// harmless: isolation=user → isolated; ... Not enough on its own: ..."
    /// Among equally bad rows, the one closest to the scenario as written is
    /// the one read. A combination that could not run has no outcome: it is
    /// left out of the reading, which says so.
    static func reading(keys: [String], rows allRows: [MatrixReport.Row], base: [String?]) -> String {
        let rows = allRows.filter { Outcome(rawValue: $0.outcome) != nil }
        let errors = allRows.count - rows.count
        let note = errors == 0 ? "" : " \(errors) combination(s) could not run and are left out."
        func outcome(_ row: MatrixReport.Row) -> Outcome { Outcome(rawValue: row.outcome)! }
        func closeness(_ row: MatrixReport.Row) -> Int { zip(row.values, base).filter { $0 == $1 }.count }
        guard let worstOutcome = rows.map(outcome).min(),
              let worst = rows.filter({ outcome($0) == worstOutcome }).max(by: { closeness($0) < closeness($1) }) else {
            return "Nothing ran." + note
        }
        let settings = zip(keys, worst.values).map { "\($0)=\($1)" }.joined(separator: ", ")
        guard !outcome(worst).hostSurvives else {
            return "Worst: \(worst.outcome) with \(settings): the host survives every combination." + note
        }
        var fixes: [String] = [], notEnough: [String] = []
        for (position, key) in keys.enumerated() {
            for row in rows where row.values[position] != worst.values[position] {
                let othersEqual = row.values.indices.allSatisfy { $0 == position || row.values[$0] == worst.values[$0] }
                guard othersEqual else { continue }
                let change = "\(key)=\(row.values[position]) → \(row.outcome)"
                if outcome(row).hostSurvives { fixes.append(change) } else { notEnough.append(change) }
            }
        }
        var text = "Worst: \(worst.outcome) with \(settings). "
        text += fixes.isEmpty ? "No single change makes it harmless." : "Single changes that keep the host up: \(fixes.joined(separator: "; "))."
        if !notEnough.isEmpty { text += " Not enough on their own: \(notEnough.joined(separator: "; "))." }
        return text + note
    }
}

extension Outcome {
    /// The host kept running: the agent may have died, but the machine did not.
    public var hostSurvives: Bool { self >= .isolated }
}
