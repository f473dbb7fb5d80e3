import RingfenceTestSupport
import Testing
@testable import RingfenceContent

/// Every catalog fault, fed to the safe parser, gives a typed error or a
/// documented acceptance, never a crash.
@Suite(.timeLimit(.minutes(10))) struct FaultInjectorTests {
    static let accepted: Set<Fault> = [.fieldCountMismatch, .wildcardMasked, .deepNesting, .regexBomb, .oversized, .loop,
                                       .forbiddenAction, .wildWrite]

    @Test(arguments: Fault.allCases)
    func safeParserOutcome(_ fault: Fault) throws {
        let source = try Fixtures.compiled("ipc-baseline.yaml")
        for seed in UInt64(0)..<16 {
            let faulty = try FaultInjector().apply(fault, to: source, seed: seed)
            let result = Result { () throws(ChannelFileError) in try ChannelFile(parsing: faulty) }
            switch (fault, result) {
            case (_, .success) where Self.accepted.contains(fault):
                break
            case (.truncated, .failure(let error)):
                #expect(error.field == "header.bodyLength" || error.field == "header", "seed \(seed): \(error)")
            case (.zeroed, .failure(let error)):
                #expect(error.reason == .badMagic([0, 0, 0, 0]))
            case (.badLength, .failure(let error)):
                // Whichever length the seed picked, the parser names it and stays in bounds.
                #expect(error.offset >= 0 && error.offset < faulty.count, "seed \(seed): \(error)")
                #expect(error.field.hasSuffix("Length") || error.field.hasSuffix("length") || error.field.hasSuffix("payload")
                        || error.field.hasSuffix("nodeCount"), "seed \(seed): \(error)")
            case (.bitFlip, .failure(let error)):
                // A CRC-32C trailer catches every single-bit flip, wherever it lands.
                #expect(error.offset >= 0 && error.offset <= faulty.count, "seed \(seed): \(error)")
            default:
                Issue.record("\(fault) seed \(seed): unexpected \(result)")
            }
        }
    }

    @Test func fieldCountMismatchAddsOneField21Instance() throws {
        let faulty = try ChannelFile(parsing: FaultInjector().apply(.fieldCountMismatch, to: Fixtures.compiled("ipc-baseline.yaml"), seed: 1))
        #expect(faulty.instances.count == 16)
        let added = try #require(faulty.instances.last)
        #expect(added.constrainedFields == [20])
    }

    @Test func faultsAreReproducibleFromTheSeed() throws {
        let source = try Fixtures.compiled("ipc-baseline.yaml")
        for fault in Fault.allCases {
            let first = try FaultInjector().apply(fault, to: source, seed: 7)
            let second = try FaultInjector().apply(fault, to: source, seed: 7)
            #expect(first == second, "\(fault)")
        }
        let flips = Set(try (0..<8).map { try FaultInjector().apply(.bitFlip, to: source, seed: UInt64($0)) })
        #expect(flips.count > 1)
    }

    @Test func deepNestingReallyIsDeep() throws {
        var options = FaultOptions()
        options.depth = 5_000
        let file = try ChannelFile(parsing: FaultInjector().apply(.deepNesting, to: Fixtures.compiled("ipc-baseline.yaml"),
                                                                  options: options, seed: 0))
        let shape = try #require(file.instances.last?.criterionShapes.first)
        #expect(shape.depth == 5_001)
        #expect(shape.cycleAt == nil)
    }

    @Test func refusesInputThatIsNotAChannelFile() {
        #expect(throws: FaultInjector.Failure.self) {
            try FaultInjector().apply(.regexBomb, to: [1, 2, 3], seed: 0)
        }
    }
}
