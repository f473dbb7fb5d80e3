import RingfenceTestSupport
import Testing
@testable import RingfenceLab

@Suite(.timeLimit(.minutes(10))) struct ShardAndMatrixTests {
    @Test(arguments: [1, 2, 3, 5])
    func shardsPartitionTheSuiteExactly(_ count: Int) {
        let names = (0..<200).map { "scenario-\($0)" } + ["july19-kernel", "july19-user", "two-vendor"]
        let shards = (1...count).map { index in Set(names.filter { Shard("\(index)/\(count)")!.contains($0) }) }
        #expect(shards.reduce(0) { $0 + $1.count } == names.count, "disjoint")
        #expect(shards.reduce(Set<String>()) { $0.union($1) } == Set(names), "complete")
        if count > 1 { #expect(shards.allSatisfy { !$0.isEmpty }) }
    }

    @Test func shardSyntax() {
        #expect(Shard("2/4")?.index == 2)
        #expect(Shard("0/4") == nil)
        #expect(Shard("5/4") == nil)
        #expect(Shard("two") == nil)
    }

    @Test func readingNamesTheSingleChangesThatHelp() {
        func row(_ values: [String], _ outcome: String) -> MatrixReport.Row {
            MatrixReport.Row(values: values, outcome: outcome, hostCrashes: 0, boots: 1, restarts: 0, missed: 0)
        }
        let rows = [row(["kernel", "unsafe"], "boot-loop"), row(["kernel", "checked"], "boot-loop"), row(["kernel", "resilient"], "handled"),
                    row(["user", "unsafe"], "isolated"), row(["user", "checked"], "isolated"), row(["user", "resilient"], "handled")]
        let reading = MatrixRunner.reading(keys: ["isolation", "interpreter"], rows: rows, base: ["kernel", "unsafe"])
        #expect(reading.hasPrefix("Worst: boot-loop with isolation=kernel, interpreter=unsafe."))
        #expect(reading.contains("isolation=user → isolated"))
        #expect(reading.contains("interpreter=resilient → handled"))
        #expect(reading.contains("Not enough on their own: interpreter=checked → boot-loop."))
    }

    @Test func aCombinationThatCouldNotRunIsLeftOutNotReadAsTheWorst() {
        func row(_ values: [String], _ outcome: String) -> MatrixReport.Row {
            MatrixReport.Row(values: values, outcome: outcome, hostCrashes: 0, boots: 1, restarts: 0, missed: 0)
        }
        let rows = [row(["kernel"], "error"), row(["user"], "isolated")]
        let reading = MatrixRunner.reading(keys: ["isolation"], rows: rows, base: ["kernel"])
        #expect(reading == "Worst: isolated with isolation=user: the host survives every combination. 1 combination(s) could not run and are left out.")
        #expect(MatrixRunner.reading(keys: ["isolation"], rows: [row(["kernel"], "error")], base: ["kernel"])
            == "Nothing ran. 1 combination(s) could not run and are left out.")
    }
}
