import RingfenceTestSupport
import Testing
@testable import RingfenceContent

/// Thousands of seeded random mutations go through the safe parser and both
/// validators. The properties: nothing crashes; every parser error points
/// inside the file; a file the parser refuses, both validators refuse, for
/// that very error; a file the correct validator accepts, the buggy one
/// accepts too (it checks less); and every finding names an instance and a
/// field that the file has.
@Suite(.timeLimit(.minutes(10))) struct ParserPropertyTests {
    @Test func randomMutationsNeverCrashTheParserOrValidator() throws {
        let sources = try ["ipc-baseline.yaml", "ipc-update-291.yaml", "process-baseline.yaml"].map(Fixtures.compiled)
        let unchecked = try sources.map { bytes -> [UInt8] in
            var draft = ChannelDraft(try ChannelFile(parsing: bytes))
            draft.checksum = .none  // without a trailer, mutations reach the structural checks
            return draft.encoded()
        }
        // Three in four inputs carry no trailer, so that most edits reach the structural checks.
        let inputs = sources + unchecked + unchecked + unchecked
        var random = SeededGenerator(seed: 0x2024_0719)
        var parsed = 0, rejectedByOn = 0, acceptedByOn = 0
        var reasons = Set<String>()
        let on = ContentValidator(mode: .on), buggy = ContentValidator(mode: .buggy)
        for _ in 0..<4_000 {
            var bytes = inputs.randomElement(using: &random)!
            mutate(&bytes, random: &random)
            let strict = on.validate(bytes), lax = buggy.validate(bytes)
            do {
                let file = try ChannelFile(parsing: bytes)
                parsed += 1
                #expect(file.instances.count == Int(file.header.instanceCount))
                let ids = Set(file.instances.map(\.id))
                for finding in strict.findings + lax.findings {
                    if let instance = finding.instance { #expect(ids.contains(instance), "\(finding)") }
                    if let field = finding.field { #expect(field >= 0 && field < Int(file.header.declaredFieldCount), "\(finding)") }
                }
                if strict.accepted {
                    acceptedByOn += 1
                    #expect(lax.accepted, "the buggy validator checks a subset of what the correct one does")
                } else {
                    rejectedByOn += 1
                }
            } catch {
                reasons.insert(error.field.split(separator: ".").last.map(String.init) ?? error.field)
                #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error)")
                for report in [strict, lax] {
                    #expect(report.findings.map(\.reason) == [.malformed(error)], "a refused file is rejected for the parser's reason")
                }
            }
        }
        #expect(parsed > 100, "too few mutations survive parsing to exercise the validator")
        #expect(4_000 - parsed > 1_000)
        #expect(acceptedByOn > 50 && rejectedByOn > 10, "mutations should reach both of the validator's answers: \(acceptedByOn), \(rejectedByOn)")
        #expect(reasons.count >= 8, "mutations should reach many different checks, reached \(reasons.sorted())")
    }

    /// One or two random edits: mostly bit flips and byte stores (which often
    /// leave a parseable file with changed content), sometimes little-endian
    /// 32-bit stores of boundary values, truncation, insertion and deletion.
    private func mutate(_ bytes: inout [UInt8], random: inout SeededGenerator) {
        for _ in 0..<Int.random(in: 1...2, using: &random) where !bytes.isEmpty {
            let offset = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3: bytes[offset] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 4...5: bytes[offset] = UInt8.random(in: 0...255, using: &random)
            case 6:
                let value = [0, 1, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, UInt32(bytes.count)].randomElement(using: &random)!
                if offset + 4 <= bytes.count { bytes.patchLittleEndian(UInt32(value), at: offset) }
            case 7: bytes.removeSubrange(offset...)
            case 8: bytes.insert(contentsOf: [UInt8](repeating: UInt8.random(in: 0...255, using: &random), count: Int.random(in: 1...8, using: &random)), at: offset)
            default: bytes.removeSubrange(offset..<min(bytes.count, offset + Int.random(in: 1...8, using: &random)))
            }
        }
    }
}
