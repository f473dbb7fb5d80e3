import RingfenceTestSupport
import Testing
@testable import RingfenceContent

// MARK: - Helpers

/// Compiles or records a test failure; the tests below only use valid patterns here.
private func regex(_ pattern: String, caseInsensitive: Bool = false, limits: RegexLimits = .standard) -> ByteRegex? {
    do {
        return try ByteRegex(pattern, caseInsensitive: caseInsensitive, limits: limits)
    } catch {
        Issue.record("pattern \(pattern) failed to compile: \(error)")
        return nil
    }
}

private func matches(_ pattern: String, _ subject: String, caseInsensitive: Bool = false) -> Bool {
    regex(pattern, caseInsensitive: caseInsensitive)?.matches(subject) ?? false
}

private func compileError(_ pattern: String, limits: RegexLimits = .standard) -> RegexError? {
    do {
        _ = try ByteRegex(pattern, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func steps(_ regex: ByteRegex, _ subject: String, budget: Int = .max) -> (RegexBoundedResult, Int) {
    var subject = subject
    return subject.withUTF8 { regex.matchesCountingSteps($0, stepBudget: budget) }
}

/// A run of hex digits with no `z`: the classic catastrophic subject.
private func hexDigits(_ count: Int) -> String {
    String(String(repeating: "0123456789abcdef", count: count / 16 + 1).prefix(count))
}

// MARK: - Syntax

@Suite(.timeLimit(.minutes(10))) struct ByteRegexSyntaxTests {
    @Test func literalsSearchAnywhere() {
        #expect(matches("abc", "xxabcxx"))
        #expect(!matches("abd", "xxabcxx"))
        #expect(matches("", ""))
        #expect(matches("", "anything"))
        #expect(!matches("abc", "ab"))
    }

    @Test func escapes() {
        #expect(matches(#"a\.b"#, "a.b"))
        #expect(!matches(#"a\.b"#, "axb"))
        #expect(matches(#"a.b"#, "axb"))
        #expect(matches(#"\*\+\?\(\)\[\]\{\}\|\^\$\/\-"#, "*+?()[]{}|^$/-"))
        #expect(matches(#"\\pipe\\"#, #"\\.\pipe\x"#))
        #expect(matches(#"\x41\x7e"#, "A~"))
        #expect(matches(#"a\tb\nc\rd"#, "a\tb\nc\rd"))
        #expect(matches(##"\@\#\%\&\,\!\ "##, "@#%&,! "))
    }

    @Test func predefinedClasses() {
        #expect(matches(#"^\d+$"#, "0123456789"))
        #expect(!matches(#"\d"#, "abc"))
        #expect(matches(#"^\D+$"#, "abc"))
        #expect(matches(#"^\w+$"#, "Az_09"))
        #expect(!matches(#"\w"#, "-.!"))
        #expect(matches(#"^\W+$"#, "-.!"))
        #expect(matches(#"a\sb"#, "a\tb"))
        #expect(matches(#"^\S+$"#, "a-b"))
        #expect(!matches(#"\S"#, " \t\r\n"))
    }

    @Test func dotExcludesNewline() {
        #expect(matches("a.c", "abc"))
        #expect(!matches("a.c", "a\nc"))
        #expect(matches("a[^x]c", "a\nc"))
    }

    @Test func characterClasses() {
        #expect(matches("^[abc]+$", "cab"))
        #expect(!matches("^[abc]+$", "cabd"))
        #expect(matches("^[a-z0-9]+$", "svchost32"))
        #expect(!matches("[^0-9]", "123"))
        #expect(matches("[^0-9]", "12x"))
        #expect(matches("[]a]", "]"))
        #expect(matches("[^]a]", "b"))
        #expect(!matches("[^]a]", "]"))
        #expect(matches("[-a]", "-"))
        #expect(matches("[a-]", "-"))
        #expect(matches(#"[a\-z]"#, "-"))
        #expect(!matches(#"[a\-z]"#, "b"))
        #expect(matches(#"^[\d_]+$"#, "1_2"))
        #expect(matches(#"[\w-.]"#, "."))
        #expect(matches(#"[\]\\]"#, #"\"#))
        #expect(matches(#"[\x30-\x39]"#, "7"))
    }

    @Test func groupsAndAlternation() {
        #expect(matches(#"(?:cmd|powershell)\.exe"#, "powershell.exe"))
        #expect(matches(#"(cmd|powershell)\.exe"#, "cmd.exe"))
        #expect(!matches(#"^(cmd|powershell)\.exe$"#, "wscript.exe"))
        #expect(matches("a(|b)c", "ac"))
        #expect(matches("a(|b)c", "abc"))
        #expect(matches("a()c", "ac"))
        #expect(matches("^(a(b(c|d))+)$", "abcbd"))
        #expect(!matches("^(a(b(c|d))+)$", "abcabd"))
        #expect(matches("x|", "anything"))
    }

    @Test func anchors() {
        #expect(matches("^abc", "abcx"))
        #expect(!matches("^abc", "xabc"))
        #expect(matches("abc$", "xabc"))
        #expect(!matches("abc$", "abcx"))
        #expect(matches("^$", ""))
        #expect(!matches("^$", "a"))
        #expect(!matches("a^b", "ab"))
        #expect(matches("^a|b$", "xb"))
        #expect(!matches("$a", "a"))
    }

    @Test func quantifiers() {
        #expect(matches("^ab*c$", "ac"))
        #expect(matches("^ab*c$", "abbbc"))
        #expect(!matches("^ab+c$", "ac"))
        #expect(matches("^ab+c$", "abc"))
        #expect(matches("^ab?c$", "ac"))
        #expect(!matches("^ab?c$", "abbc"))
        #expect(matches("^(ab)+$", "ababab"))
        #expect(!matches("^(ab)+$", "ababa"))
    }

    @Test func countedRepetition() {
        let exact = regex("^a{3}$")
        let atLeast = regex("^a{2,}$")
        let range = regex("^a{2,3}$")
        let results = (1...4).map { count in
            let subject = String(repeating: "a", count: count)
            return [exact, atLeast, range].map { $0?.matches(subject) ?? false }
        }
        #expect(results[0] == [false, false, false])
        #expect(results[1] == [false, true, true])
        #expect(results[2] == [true, true, true])
        #expect(results[3] == [false, true, false])
        #expect(matches(#"^\{[0-9A-F]{8}-[0-9A-F]{4}\}$"#, "{4D36E967-E325}"))
        #expect(matches("^x{a}$", "x{a}"))
        #expect(matches("^{abc}$", "{abc}"))
        #expect(matches("^(ab){0}c$", "c"))
        #expect(regex("a{1000}")?.programSize == 1001)
        #expect(regex("a{5000}", limits: .unbounded)?.programSize == 5001)
    }

    @Test func lazyQuantifiersMatchTheSameButPreferShort() throws {
        #expect(matches("^a+?$", "aaa"))
        #expect(matches("^a*?b$", "aaab"))
        #expect(matches("^a??b$", "ab"))
        #expect(matches("^a{2,4}?$", "aaaa"))
        #expect(!matches("^a{2,4}?$", "aaaaa"))
        // The subject ends with the delimiter right after the first byte, so a
        // lazy scan finds it at once while the greedy one runs to the end first.
        let subject = "x" + String(repeating: "y", count: 50)
        let greedy = try #require(regex("^.*y"))
        let lazy = try #require(regex("^.*?y"))
        #expect(steps(greedy, subject).0 == .match)
        #expect(steps(lazy, subject).0 == .match)
        #expect(steps(lazy, subject).1 < steps(greedy, subject).1)
    }

    @Test func caseInsensitivity() throws {
        #expect(matches("powershell", "PowerShell.EXE", caseInsensitive: true))
        #expect(!matches("powershell", "PowerShell.EXE"))
        let inline = try #require(regex("(?i)^c:\\\\windows"))
        #expect(inline.caseInsensitive)
        #expect(inline.matches(#"C:\WINDOWS\system32"#))
        #expect(matches("(?i)^[a-c]+$", "aBc"))
        #expect(!matches("(?i)[^a]", "A"))
        #expect(matches(#"(?i)\x41"#, "a"))
        // Folding is ASCII letters only: '@' (0x40) and '`' (0x60) differ by 0x20 too.
        #expect(!matches("(?i)@", "`"))
        #expect(!matches("(?i)[@]", "`"))
        #expect(!matches("(?i)[^a]", "a"))
    }

    @Test func nonASCIIBytesMatchLiterally() {
        #expect(matches("é", "café"))
        #expect(matches("^caf..$", "café"))
        #expect(!matches("^caf.$", "café"))
        #expect(matches("^caf\\xC3\\xA9$", "café"))
    }
}

// MARK: - Errors

@Suite(.timeLimit(.minutes(10))) struct ByteRegexErrorTests {
    @Test(arguments: [
        ("(ab", 0, "missing ')'"),
        ("a)", 1, "unbalanced ')'"),
        ("[a-", 0, "missing ']'"),
        ("a{2,1}", 1, "minimum above its maximum"),
        ("*a", 0, "nothing to repeat"),
        (#"\1"#, 0, "backreferences"),
        (#"ab\2"#, 2, "backreferences"),
        (#"\k<x>"#, 0, "backreferences"),
        ("(?=a)", 0, "lookahead"),
        ("x(?!a)", 1, "lookahead"),
        ("(?<=a)b", 0, "lookbehind"),
        ("a**", 2, "quantifier follows a quantifier"),
        ("a*+", 2, "possessive"),
        ("^*", 1, "anchor"),
        ("a|?", 2, "nothing to repeat"),
        ("{2}", 0, "nothing to repeat"),
        ("a{1001}", 1, "limit of 1000"),
        ("a{2", 1, "unterminated"),
        ("a{,3}", 1, "lower bound"),
        (#"a\"#, 1, "trailing backslash"),
        (#"x\xZZ"#, 1, "two hex digits"),
        ("[z-a]", 1, "invalid class range"),
        (#"\q"#, 0, "unknown escape"),
        (#"\bword"#, 0, "word boundaries"),
        ("x(?i)y", 1, "very start"),
        ("(?<n>a)", 0, "named groups"),
    ])
    func malformedPatternReportsOffsetAndReason(pattern: String, offset: Int, reason: String) {
        let error = compileError(pattern)
        #expect(error?.offset == offset, "\(pattern): \(String(describing: error))")
        #expect(error?.reason.contains(reason) == true, "\(pattern): \(String(describing: error))")
    }

    @Test func descriptionNamesOffsetAndReason() {
        #expect(compileError("a)")?.description == "regex offset 1: unbalanced ')'")
    }

    @Test func programSizeLimit() throws {
        let error = try #require(compileError("xy(a{100}){500}"))
        #expect(error.offset == 2)
        #expect(error.reason.contains("program size limit"))
        #expect(compileError("((a{1000}){1000}){1000}")?.reason.contains("program size limit") == true)
        let unbounded = try #require(regex("(a{100}){500}", limits: .unbounded))
        #expect(unbounded.programSize == 50_001)
        let custom = RegexLimits(maxProgramSize: 10, maxCountedRepetition: 5)
        #expect(compileError("a{6}", limits: custom)?.reason.contains("limit of 5") == true)
        #expect(compileError("a{5}b{5}", limits: custom)?.reason.contains("program size limit") == true)
    }

    @Test func inspectDoesNotCompile() throws {
        // 10^9 instructions if compiled: inspecting must not allocate them.
        let bomb = try ByteRegex.inspect("((a{1000}){1000}){1000}")
        #expect(bomb.plannedProgramSize == 1_000_000_001)
        #expect(bomb.hazards.isEmpty)
        let nested = try ByteRegex.inspect("(?i)(a+)+")
        #expect(nested.caseInsensitive)
        #expect(nested.hazards == [RegexHazard(kind: .nestedQuantifier, offset: 4)])
        #expect(try ByteRegex.inspect("a{1000}").plannedProgramSize == (try #require(regex("a{1000}"))).programSize)
        #expect(throws: RegexError.self) { try ByteRegex.inspect("(ab") }
        #expect(throws: RegexError.self) { try ByteRegex.inspect("a{1001}", limits: .standard) }
    }

    @Test func nestingDepthIsBounded() {
        let depth = RegexParser.maxGroupDepth
        let ok = String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(regex(ok)?.matches("a") == true)
        let deep = String(repeating: "(", count: depth + 1) + "a" + String(repeating: ")", count: depth + 1)
        #expect(compileError(deep)?.offset == depth)
    }

    @Test func instructionsStaySmall() {
        #expect(MemoryLayout<RegexInstruction>.stride <= 16)
    }
}

// MARK: - Hazards

@Suite(.timeLimit(.minutes(10))) struct ByteRegexHazardTests {
    @Test(arguments: [
        ("(a+)+", 0),
        (#"(\w*)*"#, 0),
        ("(x+y?)+", 0),
        ("((ab)*c)+", 0),
        (#"^foo(\d+)*$"#, 4),
        ("x(?:a{2,}b)+", 1),
    ])
    func nestedQuantifier(pattern: String, offset: Int) {
        let hazards = regex(pattern)?.hazards ?? []
        #expect(hazards.contains(RegexHazard(kind: .nestedQuantifier, offset: offset)), "\(pattern): \(hazards)")
    }

    @Test(arguments: [
        ("(a|a)*", 0),
        ("(a|ab)+", 0),
        (#"z(\w|\d){2,}"#, 1),
        ("(?i)(A|a)*", 4),
    ])
    func ambiguousAlternation(pattern: String, offset: Int) {
        let hazards = regex(pattern)?.hazards ?? []
        #expect(hazards == [RegexHazard(kind: .ambiguousAlternationUnderQuantifier, offset: offset)], "\(pattern)")
    }

    @Test func everyNestedLoopIsReported() {
        #expect(regex("((a+)+)+")?.hazards.map(\.offset) == [0, 1])
    }

    @Test(arguments: [
        #"\\pipe\\MSSE-[0-9]+-server$"#,
        "(ab)+",
        "(a+){3}",
        "(a{1,3})+",
        "(cat|dog)*",
        "a+b+",
        "(()*)+",
        #"(.|\n)*"#,
        #"^[a-z]:\\windows\\(system32|syswow64)\\[^\\]+\.exe$"#,
    ])
    func benignPatternsHaveNoHazards(pattern: String) {
        #expect(regex(pattern)?.hazards == [], "\(pattern)")
    }

    @Test func hazardDescriptionNamesOffset() {
        #expect(RegexHazard(kind: .nestedQuantifier, offset: 3).description.hasPrefix("regex offset 3: nested"))
    }
}

// MARK: - Matcher behaviour

@Suite(.timeLimit(.minutes(10))) struct ByteRegexMatcherTests {
    @Test func emptyLoopsTerminate() {
        #expect(!matches("(a*)*b", "aaaac"))
        #expect(matches("^(a*)*$", "aaaa"))
        #expect(matches("^(a*)+$", ""))
        #expect(matches("(|a)+c", "aac"))
        #expect(matches("^()*x$", "x"))
        #expect(!matches("^(a?)*?b$", "aac"))
        #expect(matches("^(a|)*$", "aaa"))
        #expect(!matches("^(a*|b)*c$", "abab"))
        #expect(matches("^((a*)*b)*$", "abaab"))
    }

    @Test func catastrophicPatternExhaustsTheBudget() throws {
        let subject = hexDigits(40)
        for pattern in [#"^(\w+)+z$"#, "^([0-9a-f]+)+z$"] {
            let bomb = try #require(regex(pattern))
            #expect(bomb.matches(subject, stepBudget: 1_000_000) == .budgetExhausted(steps: 1_000_000))
        }
        let benign = try #require(regex("^[0-9a-f]+z$"))
        let (result, used) = steps(benign, subject, budget: 1_000_000)
        #expect(result == .noMatch)
        #expect(used < 1_000)
        #expect(benign.matches(subject, stepBudget: 1_000_000) == .noMatch)
        #expect(try #require(regex(#"^\w+$"#)).matches(subject, stepBudget: 1_000_000) == .match)
    }

    @Test func catastrophicStepsDoubleWithEachByte() throws {
        let bomb = try #require(regex(#"^(\w+)+z$"#))
        let counts = (8...13).map { steps(bomb, hexDigits($0)).1 }
        for (shorter, longer) in zip(counts, counts.dropFirst()) {
            let ratio = Double(longer) / Double(shorter)
            #expect(ratio > 1.9 && ratio < 2.1, "\(counts)")
        }
        #expect(steps(bomb, hexDigits(12)).0 == .noMatch)
        #expect(!bomb.matches(hexDigits(12)))
        #expect(bomb.matches(hexDigits(12) + "z"))
    }

    @Test func boundedAndUnboundedAgree() throws {
        let cases: [(String, String)] = [
            (#"\\pipe\\MSSE-[0-9]+-server$"#, #"\\.\pipe\MSSE-1234-server"#),
            (#"\\pipe\\MSSE-[0-9]+-server$"#, #"\\.\pipe\MSSE-1234-serverX"#),
            ("(a|ab)(c|bcd)(d*)", "abcd"),
            ("^(a+)+$", "aaaaaaaaaaaa"),
            ("^(a+)+$", "aaaaaaaaaab"),
            ("mimikatz|sekurlsa::", "run sekurlsa::logonpasswords"),
        ]
        for (pattern, subject) in cases {
            let compiled = try #require(regex(pattern))
            let bounded = compiled.matches(subject, stepBudget: 1_000_000)
            #expect(bounded == (compiled.matches(subject) ? .match : .noMatch), "\(pattern) on \(subject)")
        }
    }

    @Test func zeroBudgetIsExhaustedBeforeTheFirstStep() throws {
        let compiled = try #require(regex("a"))
        #expect(compiled.matches("a", stepBudget: 0) == .budgetExhausted(steps: 0))
        // No start position can begin a match, so no step is needed at all.
        #expect(compiled.matches("bbb", stepBudget: 0) == .noMatch)
    }

    @Test func longSubjectsUseTheHeapNotTheNativeStack() throws {
        let subject = String(repeating: "ab", count: 50_000)
        let compiled = try #require(regex("^(?:a|b)*$"))
        #expect(compiled.matches(subject))
        #expect(!compiled.matches(subject + "c"))
    }

    @Test func anchoredSearchTriesOnlyTheStart() throws {
        #expect(try #require(regex("^b")).matches("ab") == false)
        // assertStart, any, then 'b' fails: position 0 only, three steps.
        let anchored = try #require(regex("^.b"))
        #expect(steps(anchored, String(repeating: "a", count: 100)) == (.noMatch, 3))
    }

    @Test func unsafeBufferEntryPoint() throws {
        let compiled = try #require(regex(#"\\pipe\\MSSE-[0-9]+-server$"#))
        let bytes = Array(#"\\.\pipe\MSSE-31337-server"#.utf8)
        #expect(bytes.withUnsafeBufferPointer { compiled.matches($0) })
        #expect([UInt8]().withUnsafeBufferPointer { !compiled.matches($0) })
        #expect(compiled.hazards.isEmpty)
    }
}
