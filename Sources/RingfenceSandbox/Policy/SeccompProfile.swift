import RingfenceSystem

/// A seccomp profile in the OCI / Docker JSON format.
///
/// The format is the one container runtimes read (Docker, Podman, runc), so
/// profiles move between them and Ringfence unchanged. Supported: the default
/// action and errno, `architectures`, `archMap` with `subArchitectures`,
/// `syscalls[]` with `names`, `action`, `errnoRet` and `args` (`index`,
/// `value`, `valueTwo`, `op`), and `includes`/`excludes` by `caps`, `arches`
/// and `minKernel`. Unknown keys are ignored, as runtimes do; unknown syscall
/// names, actions, operators and architectures are errors.
public struct SeccompProfile: Hashable, Sendable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var archMap: [ArchitectureMapping]?
    public var syscalls: [SyscallRule]?

    public struct ArchitectureMapping: Hashable, Sendable {
        public var architecture: String
        public var subArchitectures: [String]?
    }

    public struct SyscallRule: Hashable, Sendable {
        public var names: [String]?
        public var name: String?
        public var action: String
        public var errnoRet: UInt32?
        public var args: [ArgumentComparison]?
        public var includes: Filter?
        public var excludes: Filter?
        public var comment: String?

        public init(names: [String], action: String, errnoRet: UInt32? = nil, args: [ArgumentComparison]? = nil) {
            self.names = names
            self.action = action
            self.errnoRet = errnoRet
            self.args = args
        }

        /// `names`, plus the old single `name` field some profiles still use.
        public var allNames: [String] { (names ?? []) + (name.map { [$0] } ?? []) }
    }

    public struct ArgumentComparison: Hashable, Sendable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64?
        public var op: String

        public init(index: UInt32, value: UInt64, valueTwo: UInt64? = nil, op: String) {
            self.index = index
            self.value = value
            self.valueTwo = valueTwo
            self.op = op
        }
    }

    /// When a rule applies: the agent holds these capabilities, runs on one of
    /// these architectures, on at least this kernel.
    public struct Filter: Hashable, Sendable {
        public var caps: [String]?
        public var arches: [String]?
        public var minKernel: String?

        var isEmpty: Bool { (caps ?? []).isEmpty && (arches ?? []).isEmpty && minKernel == nil }
    }

    public init(defaultAction: String, defaultErrnoRet: UInt32? = nil, architectures: [String]? = nil, syscalls: [SyscallRule]) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.syscalls = syscalls
    }

    /// Reads a profile file. Errors name the file, and the line and column
    /// (bad JSON) or the JSON path (a field of the wrong kind).
    public static func load(_ path: String) throws(SandboxPolicyError) -> SeccompProfile {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw SandboxPolicyError(file: path, message: "cannot read the profile: \(error.reason)") }
        do {
            return try SeccompProfile(JSONNode(try JSONReader.parse(bytes)))
        } catch let error as JSONReader.SyntaxError {
            throw SandboxPolicyError(file: path, message: "not valid JSON: \(error)")
        } catch {
            throw SandboxPolicyError(file: path, message: "\(error)")
        }
    }

    /// The OCI fields; unknown keys are ignored, as container runtimes do.
    init(_ root: JSONNode) throws(JSONNode.Mismatch) {
        defaultAction = try root.required("defaultAction").string()
        defaultErrnoRet = try root.optional("defaultErrnoRet")?.unsigned32()
        architectures = try root.optional("architectures")?.strings()
        archMap = try root.optional("archMap")?.elements().map { (node: JSONNode) throws(JSONNode.Mismatch) in
            ArchitectureMapping(architecture: try node.required("architecture").string(),
                                subArchitectures: try node.optional("subArchitectures")?.strings())
        }
        syscalls = try root.optional("syscalls")?.elements().map { (node: JSONNode) throws(JSONNode.Mismatch) in try SyscallRule(node) }
    }
}

extension SeccompProfile.SyscallRule {
    init(_ node: JSONNode) throws(JSONNode.Mismatch) {
        names = try node.optional("names")?.strings()
        name = try node.optional("name")?.string()
        action = try node.required("action").string()
        errnoRet = try node.optional("errnoRet")?.unsigned32()
        args = try node.optional("args")?.elements().map { (argument: JSONNode) throws(JSONNode.Mismatch) in
            SeccompProfile.ArgumentComparison(index: try argument.required("index").unsigned32(), value: try argument.required("value").unsigned(),
                                              valueTwo: try argument.optional("valueTwo")?.unsigned(), op: try argument.required("op").string())
        }
        includes = try node.optional("includes").map { (filter: JSONNode) throws(JSONNode.Mismatch) in try SeccompProfile.Filter(filter) }
        excludes = try node.optional("excludes").map { (filter: JSONNode) throws(JSONNode.Mismatch) in try SeccompProfile.Filter(filter) }
        comment = try node.optional("comment")?.string()
    }
}

extension SeccompProfile.Filter {
    init(_ node: JSONNode) throws(JSONNode.Mismatch) {
        caps = try node.optional("caps")?.strings()
        arches = try node.optional("arches")?.strings()
        minKernel = try node.optional("minKernel")?.string()
    }
}

/// A profile that cannot be read or compiled. It always names the file (or
/// the profile) and what is wrong; the sandbox then refuses to start anything.
public struct SandboxPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
