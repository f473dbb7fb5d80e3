import RingfenceTestSupport
import Testing
@testable import RingfenceContent

@Suite(.timeLimit(.minutes(10))) struct ContentValidatorTests {
    let definitions: TemplateDefinitions

    init() throws { definitions = try TemplateDefinitions.load(Fixtures.templates) }

    func validator(_ mode: ValidatorMode) -> ContentValidator {
        ContentValidator(mode: mode, definitions: definitions)
    }

    @Test(arguments: [ValidatorMode.on, .buggy, .off])
    func baselineIsAccepted(_ mode: ValidatorMode) throws {
        let report = validator(mode).validate(try Fixtures.compiled("ipc-baseline.yaml"))
        #expect(report.accepted)
        #expect(report.findings.isEmpty)
    }

    @Test func correctValidatorRejectsTheField21Update() throws {
        let report = validator(.on).validate(try Fixtures.compiled("ipc-update-291.yaml"))
        #expect(!report.accepted)
        #expect(report.instancesChecked == 17)
        #expect(report.findings.map(\.instance) == [116, 117])
        #expect(report.findings.map(\.field) == [20, 20])
        #expect(report.findings.allSatisfy { $0.reason == .fieldNotSupplied(supplied: 20) })
        #expect(report.findings[0].description
            == "instance 116, field 21 (field21): non-wildcard criterion on a field the sensor does not supply (it supplies 20)")
    }

    @Test func buggyValidatorPassesTheField21Update() throws {
        let report = validator(.buggy).validate(try Fixtures.compiled("ipc-update-291.yaml"))
        #expect(report.accepted)
        #expect(report.instancesChecked == 17)
    }

    @Test func wildcardControlPassesBothValidators() throws {
        let bytes = try Fixtures.compiled("ipc-update-wildcard.yaml")
        #expect(validator(.on).validate(bytes).accepted)
        #expect(validator(.buggy).validate(bytes).accepted)
    }

    @Test func aSensorThatSuppliesField21AcceptsTheUpdate() throws {
        let sensor = SensorTemplates.builtIn.supplying([.ipc: 21])
        let report = ContentValidator(mode: .on, sensor: sensor, definitions: definitions).validate(try Fixtures.compiled("ipc-update-291.yaml"))
        #expect(report.accepted)
    }

    @Test func declaredCountIsCheckedAgainstTheDefinitions() throws {
        let matching = TemplateDefinitions.matching(.builtIn)
        let report = ContentValidator(mode: .on, definitions: matching).validate(try Fixtures.compiled("ipc-baseline.yaml"))
        #expect(report.findings.first?.reason == .declaredCountMismatch(declared: 21, defined: 20))
    }

    @Test func structuralFaultsAreRejectedInBothModes() throws {
        let source = try Fixtures.compiled("ipc-baseline.yaml")
        var options = FaultOptions()
        options.depth = 100
        let deep = try FaultInjector().apply(.deepNesting, to: source, options: options, seed: 0)
        for mode in [ValidatorMode.on, .buggy] {
            let report = validator(mode).validate(deep)
            #expect(report.findings.map(\.reason) == [.nestingTooDeep(depth: 101, limit: 32)], "\(mode)")
            let zeroed = validator(mode).validate(try FaultInjector().apply(.zeroed, to: source, seed: 0))
            guard case .malformed(let error) = zeroed.findings.first?.reason else {
                Issue.record("zeroed file not reported as malformed")
                continue
            }
            #expect(error.field == "header.magic")
        }
    }

    @Test func regexBombIsRejected() throws {
        let bomb = try FaultInjector().apply(.regexBomb, to: Fixtures.compiled("ipc-baseline.yaml"), seed: 0)
        let report = validator(.on).validate(bomb)
        #expect(report.findings.count == 1)
        let finding = try #require(report.findings.first)
        #expect(finding.instance == 116)
        #expect(finding.fieldName == "client_image_sha256")
        guard case .catastrophicRegex = finding.reason else {
            Issue.record("expected a catastrophic-regex finding, got \(finding)")
            return
        }
    }

    @Test func cyclesAndStepExplosionsAreRejected() throws {
        var draft = try ChannelSource.compile("\(Fixtures.content)/ipc-baseline.yaml")
        // any(a, b) whose second child links back to the first: evaluation never ends.
        var looping = InstanceDraft(id: 900, action: .alert, criteria: [Criterion](repeating: .wildcard, count: 21))
        let any = looping.append(.any([.literal("a", caseInsensitive: false), .literal("b", caseInsensitive: false)]))
        let first = looping.nodes[Int(any)].child
        let second = looping.nodes[Int(first)].next
        looping.nodes[Int(second)].next = first
        looping.criteria[0] = any
        draft.instances.append(looping)
        let report = validator(.on).validate(draft.encoded())
        #expect(report.findings.map(\.reason) == [.unboundedEvaluation(cycleAtNode: first)])
    }

    @Test func oversizedFilesAreRejected() throws {
        var limits = ValidatorLimits()
        limits.maxFileSize = 1_000
        let report = ContentValidator(mode: .on, limits: limits).validate(try Fixtures.compiled("ipc-baseline.yaml"))
        guard case .limitExceeded(let what, _, 1_000) = report.findings.first?.reason else {
            Issue.record("expected a size finding, got \(report.findings)")
            return
        }
        #expect(what == "file size")
    }
}
