import RingfenceContent
import RingfenceSystem

/// The July 19 fault in one process at a time: compile the update, validate it
/// with the buggy and the correct validator, then feed it to each interpreter.
/// Every step runs as a child process of its own, so the crashes are real
/// signals in real processes, and every step prints the command that
/// reproduces it.
public struct ContentReplay {
    public struct Step {
        public let title: String
        public let arguments: [String]
        public let expected: WaitStatus
        public let meaning: String
        /// When set, only the first three lines of the child's output and those
        /// from the first line containing this text onwards are shown.
        public var showFrom: String?
    }

    public let executable: String
    public let contentDirectory: String
    public let workDirectory: String

    public init(executable: String = ChildProcess.currentExecutable, contentDirectory: String, workDirectory: String) {
        self.executable = executable
        self.contentDirectory = contentDirectory
        self.workDirectory = workDirectory
    }

    public var steps: [Step] {
        let templates = "\(contentDirectory)/templates.yaml"
        let update = "\(workDirectory)/C-00000291-update.chan"
        func eval(_ interpreter: String) -> [String] {
            ["content", "eval", update, "--templates", templates, "--interpreter", interpreter, "--events", "2000", "--mix", "ipc"]
        }
        return [
            Step(title: "Compile the July 19 update to channel 291",
                 arguments: ["content", "compile", "\(contentDirectory)/ipc-update-291.yaml", "-o", update],
                 expected: .exited(0), meaning: "compiled"),
            Step(title: "Inspect it: instances 116 and 117 constrain field 21",
                 arguments: ["content", "inspect", update], expected: .exited(0), meaning: "inspected",
                 showFrom: "instance 116"),
            Step(title: "The cloud validator as shipped in 2024 (logic error)",
                 arguments: ["content", "validate", update, "--templates", templates, "--mode", "buggy"],
                 expected: .exited(0), meaning: "accepted: the update ships"),
            Step(title: "The validator without the logic error",
                 arguments: ["content", "validate", update, "--templates", templates, "--mode", "on"],
                 expected: .exited(1), meaning: "rejected before deployment"),
            Step(title: "The 2024 interpreter: raw pointer, no bounds check",
                 arguments: eval("unsafe"), expected: .signaled(.segmentationFault, coreDumped: false),
                 meaning: "out-of-bounds read: PAGE_FAULT_IN_NONPAGED_AREA"),
            Step(title: "A memory-safe interpreter: bounds-checked array",
                 arguments: eval("checked"), expected: .signaled(.swiftTrap, coreDumped: false),
                 meaning: "bounds trap: safe, but still a crash (KMODE_EXCEPTION_NOT_HANDLED)"),
            Step(title: "The resilient interpreter: verify at load, check at access",
                 arguments: eval("resilient"), expected: .exited(0), meaning: "instances disabled, detection carries on"),
        ]
    }

    /// Runs every step, printing as it goes; true when every step ended as expected.
    public func run(print: (String) -> Void) throws -> Bool {
        var allAsExpected = true
        for (number, step) in steps.enumerated() {
            print("")
            print("[\(number + 1)/\(steps.count)] \(step.title)")
            print("$ ringfence \(step.arguments.joined(separator: " "))")
            let output = try ChildProcess.run(executable, step.arguments, environment: ["SWIFT_BACKTRACE": "enable=no"])
            let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let resume = step.showFrom.flatMap { marker in lines.firstIndex { $0.contains(marker) } } ?? lines.startIndex
            for (index, line) in lines.enumerated() where index < 3 || index >= resume {
                if index == resume && index > 3 { print("  | ...") }
                print("  | \(line)")
            }
            // The runtime's own words for a trap; its stack trace is noise here.
            if let first = output.stderr.split(separator: "\n").first { print("  ! \(first)") }
            let status = output.status
            let asExpected = Self.matches(status, step.expected)
            allAsExpected = allAsExpected && asExpected
            print("  => \(status): \(asExpected ? step.meaning : "UNEXPECTED, wanted \(step.expected)")")
        }
        return allAsExpected
    }

    static func matches(_ status: WaitStatus, _ expected: WaitStatus) -> Bool {
        switch (status, expected) {
        case (.exited(let a), .exited(let b)): a == b
        case (.signaled(let a, _), .signaled(let b, _)): a == b
        default: false
        }
    }
}
