import CSandbox
import CSeccomp
import RingfenceSystem

/// A seccomp profile in the OCI / Docker JSON format.
///
/// The format is the one container runtimes read (Docker, Podman, runc), so
/// profiles move between them and Ringfence unchanged. Supported: the default
/// action and errno, `architectures`, `archMap` with `subArchitectures`,
/// `syscalls[]` with `names`, `action`, `errnoRet` and `args` (`index`,
/// `value`, `valueTwo`, `op`), and `includes`/`excludes` by `caps`, `arches`
/// and `minKernel`.
///
/// Stricter than a container runtime, because a profile here is the whole
/// defence: an unknown key (a typo such as `defaultActon` would otherwise
/// pass silently), an unknown or empty architecture list, a NUL inside a
/// name, an errno outside 1...4095 and a profile larger than the caps below
/// are errors, as are unknown syscall names, actions and operators.
///
/// Two additions, both ignored by other runtimes: an argument `value` may be
/// the string `"$pid"`, the sandboxed process's own pid, patched in by the
/// child (see ``SeccompFilter/selfPidSites``); and `"permissive": true` is
/// the opt-in a permissive profile needs (see ``PolicyCompiler``).
public struct SeccompProfile: Hashable, Sendable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var archMap: [ArchitectureMapping]?
    public var syscalls: [SyscallRule]?
    /// The profile says it is permissive on purpose (`"permissive": true`).
    public var permissive = false

    /// Read limits: a real profile (Docker's default: 22 KiB, about 370
    /// names) is far below them; a hostile one is refused before libseccomp
    /// spends time on it.
    public static let maxFileSize = 1 << 20
    public static let maxRules = 1_024
    public static let maxNames = 4_096

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
        /// The file the rule came from when profiles are combined (the exec
        /// path's startup add-on), so that an error names the right one.
        public var origin: String?

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
        /// `"value": "$pid"`: compared with the sandboxed process's own pid.
        public var isSelfPid: Bool

        public init(index: UInt32, value: UInt64, valueTwo: UInt64? = nil, op: String, isSelfPid: Bool = false) {
            self.index = index
            self.value = value
            self.valueTwo = valueTwo
            self.op = op
            self.isSelfPid = isSelfPid
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
        try PolicyCompiler.load(path).profile
    }

    /// Parses a profile's bytes; errors name `source`.
    public static func parse(_ bytes: [UInt8], source: String) throws(SandboxPolicyError) -> SeccompProfile {
        do {
            return try SeccompProfile(JSONNode(try JSONReader.parse(bytes)))
        } catch let error as JSONReader.SyntaxError {
            throw SandboxPolicyError(file: source, message: "not valid JSON: \(error)")
        } catch {
            throw SandboxPolicyError(file: source, message: "\(error)")
        }
    }

    /// The OCI fields (and the keys of the OCI runtime spec's `seccomp`
    /// object that a runtime, not a profile, acts on: they are accepted and
    /// ignored). Any other key is an error.
    init(_ root: JSONNode) throws(JSONNode.Mismatch) {
        try root.onlyKeys(["defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap", "syscalls",
                           "flags", "listenerPath", "listenerMetadata", "comment", "permissive"])
        defaultAction = try root.required("defaultAction").string()
        defaultErrnoRet = try root.optional("defaultErrnoRet")?.errno()
        architectures = try root.optional("architectures")?.architectures()
        // archMap names every architecture a runtime may run on, newer ones
        // included (Docker's lists loongarch64, which libseccomp 2.5 does not
        // know): an entry must be spelt as a token, and only the native one is used.
        archMap = try root.optional("archMap")?.elements().map { (node: JSONNode) throws(JSONNode.Mismatch) in
            try node.onlyKeys(["architecture", "subArchitectures"])
            return ArchitectureMapping(architecture: try node.required("architecture").architectureToken(),
                                       subArchitectures: try node.optional("subArchitectures")?.elements().map { (sub: JSONNode) throws(JSONNode.Mismatch) in
                                           try sub.architectureToken()
                                       })
        }
        let rules = try root.optional("syscalls")?.elements() ?? []
        guard rules.count <= Self.maxRules else {
            throw Mismatch(path: "syscalls", message: "\(rules.count) rules; the limit is \(Self.maxRules)")
        }
        var names = 0
        syscalls = try root.optional("syscalls").map { _ throws(JSONNode.Mismatch) in
            try rules.map { (node: JSONNode) throws(JSONNode.Mismatch) in
                let rule = try SyscallRule(node)
                names += rule.allNames.count
                guard names <= Self.maxNames else {
                    throw node.mismatch("more than \(Self.maxNames) syscall names in the profile")
                }
                return rule
            }
        }
        permissive = try root.optional("permissive")?.bool() ?? false
    }

    typealias Mismatch = JSONNode.Mismatch
}

extension JSONNode {
    /// An errno for SCMP_ACT_ERRNO: 1...4095 (the kernel's MAX_ERRNO).
    func errno() throws(Mismatch) -> UInt32 {
        let number = try unsigned()
        guard (1...4095).contains(number) else { throw mismatch("\(number) is not an errno (1...4095)") }
        return UInt32(number)
    }

    /// A syscall name: no NUL or other control character, whatever JSON allows.
    func syscallName() throws(Mismatch) -> String {
        let text = try string()
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw mismatch("\(JSONValue.quoted(String(text.prefix(64)))) is not a syscall name (empty, or a NUL or other control character inside)")
        }
        return text
    }

    /// A list of libseccomp architecture tokens (SCMP_ARCH_X86_64, ...), none unknown to libseccomp and, when given, not empty.
    func architectures() throws(Mismatch) -> [String] {
        let names = try strings()
        guard !names.isEmpty else { throw mismatch("an empty list allows no architecture; leave the key out for the native one") }
        for name in names {
            let known = name.hasPrefix("SCMP_ARCH_") && String(name.dropFirst(10)).lowercased().withCString { seccomp_arch_resolve_name($0) } != 0
            guard known else { throw mismatch("unknown architecture \(JSONValue.quoted(String(name.prefix(64))))") }
        }
        return names
    }

    /// A string spelt as an architecture token: SCMP_ARCH_ and capitals, digits or '_'.
    func architectureToken() throws(Mismatch) -> String {
        let name = try string()
        guard name.hasPrefix("SCMP_ARCH_"), name.count > 10, name.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }) else {
            throw mismatch("\(JSONValue.quoted(String(name.prefix(64)))) is not an architecture (SCMP_ARCH_...)")
        }
        return name
    }

    func bool() throws(Mismatch) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("expected true or false, found \(value.kind)") }
        return flag
    }

    /// Refuses any member not in `keys`, naming it.
    func onlyKeys(_ keys: Set<String>) throws(Mismatch) {
        guard case .object(let members) = value else { throw mismatch("expected an object, found \(value.kind)") }
        if let unknown = members.first(where: { !keys.contains($0.key) }) {
            throw Mismatch(path: Location.member(location, unknown.key).path, message: "unknown key (expected one of \(keys.sorted().joined(separator: ", ")))")
        }
    }
}

extension SeccompProfile.SyscallRule {
    init(_ node: JSONNode) throws(JSONNode.Mismatch) {
        try node.onlyKeys(["names", "name", "action", "errnoRet", "errno", "args", "includes", "excludes", "comment"])
        names = try node.optional("names")?.elements().map { (name: JSONNode) throws(JSONNode.Mismatch) in try name.syscallName() }
        name = try node.optional("name")?.syscallName()
        action = try node.required("action").string()
        errnoRet = try node.optional("errnoRet")?.errno()
        args = try node.optional("args")?.elements().map { (argument: JSONNode) throws(JSONNode.Mismatch) in
            try argument.onlyKeys(["index", "value", "valueTwo", "op"])
            let value = try argument.required("value")
            let isSelfPid = (try? value.string()) == "$pid"
            if !isSelfPid, let number = try? value.unsigned(),
               UInt32(truncatingIfNeeded: number) == RF_SELF_PID_PLACEHOLDER || UInt32(truncatingIfNeeded: number >> 32) == RF_SELF_PID_PLACEHOLDER {
                throw value.mismatch("the value \(RF_SELF_PID_PLACEHOLDER) is reserved for \"$pid\"; write \"$pid\" or another number")
            }
            return SeccompProfile.ArgumentComparison(index: try argument.required("index").unsigned32(),
                                                     value: isSelfPid ? UInt64(RF_SELF_PID_PLACEHOLDER) : try value.unsigned(),
                                                     valueTwo: try argument.optional("valueTwo")?.unsigned(), op: try argument.required("op").string(),
                                                     isSelfPid: isSelfPid)
        }
        includes = try node.optional("includes").map { (filter: JSONNode) throws(JSONNode.Mismatch) in try SeccompProfile.Filter(filter) }
        excludes = try node.optional("excludes").map { (filter: JSONNode) throws(JSONNode.Mismatch) in try SeccompProfile.Filter(filter) }
        comment = try node.optional("comment")?.string()
    }
}

extension SeccompProfile.Filter {
    init(_ node: JSONNode) throws(JSONNode.Mismatch) {
        try node.onlyKeys(["caps", "arches", "minKernel"])
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
