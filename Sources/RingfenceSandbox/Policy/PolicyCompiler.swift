import CSandbox
import CSeccomp
import Glibc
import RingfenceSystem

/// A BPF program ready for `seccomp(SECCOMP_SET_MODE_FILTER)`: compiled by
/// libseccomp in the parent, so that the child only hands it to the kernel.
public struct SeccompFilter: Hashable, Sendable {
    /// Raw `struct sock_filter` values, 8 bytes each.
    public let instructions: [UInt64]
    public let handling: ViolationHandling
    /// How many `BPF_JEQ` operands hold ``RF_SELF_PID_PLACEHOLDER`` (a
    /// profile's `"$pid"`): the child patches exactly these with its own pid
    /// and refuses to load a filter with any other count.
    public let selfPidSites: Int

    public init(instructions: [UInt64], handling: ViolationHandling, selfPidSites: Int = 0) {
        self.instructions = instructions
        self.handling = handling
        self.selfPidSites = selfPidSites
    }

    public var instructionCount: Int { instructions.count }
}

/// Compiles an OCI profile with libseccomp and exports the BPF.
///
/// Always: the bad-architecture action kills the process, x32 syscall numbers
/// are never allowed (x32 is not added even when a profile's archMap lists
/// it), and the filter is optimised as a binary tree. Kill and trap actions
/// become the chosen ``ViolationHandling``.
///
/// A permissive profile (see ``permissiveReasons``) compiles only with an
/// opt-in: `"permissive": true` in the profile, or ``allowsPermissive`` set
/// by the caller (`--permissive` on the command line, profile learning).
public struct PolicyCompiler: Sendable {
    public let profile: SeccompProfile
    /// Where the profile came from, for messages.
    public let source: String
    /// Capabilities the sandboxed process holds: none, for an agent.
    public var capabilities: Set<String> = []
    /// The caller accepts a permissive profile (`--permissive`).
    public var allowsPermissive = false
    /// Syscalls that, allowed, undo the sandbox: running other code, reading
    /// or writing other processes, loading kernel programs, changing mounts.
    public static let dangerousSyscalls: Set<String> = ["execve", "execveat", "ptrace", "bpf", "mount", "process_vm_writev"]

    public init(profile: SeccompProfile, source: String) {
        self.profile = profile
        self.source = source
    }

    /// A profile whose default is SCMP_ACT_LOG asks for log handling.
    public var asksForLogging: Bool { profile.defaultAction == "SCMP_ACT_LOG" }

    /// `handling`, or `.log` for a profile that asks for it.
    public func handling(preferring handling: ViolationHandling) -> ViolationHandling { asksForLogging ? .log : handling }

    /// Why this profile is permissive, if it is: a default action that lets
    /// calls through (allow, log, notify), or an allow rule for one of the
    /// ``dangerousSyscalls`` that applies here. Empty for a confining profile.
    public var permissiveReasons: [String] {
        var reasons: [String] = []
        if ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"].contains(profile.defaultAction) {
            reasons.append("defaultAction \(profile.defaultAction)")
        }
        for (index, rule) in (profile.syscalls ?? []).enumerated() where applies(rule) && ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"].contains(rule.action) {
            for name in rule.allNames where Self.dangerousSyscalls.contains(name) {
                reasons.append("\(rule.origin.map { "\($0): " } ?? "")syscalls[\(index)] allows \(name)")
            }
        }
        return reasons
    }

    /// The syscalls newer than this libseccomp that applicable allow rules
    /// name: compiling skips them (``SyscallTable/newerSyscalls``), and callers warn.
    public var skippedAllowedNames: [String] {
        (profile.syscalls ?? []).filter { applies($0) && $0.action == "SCMP_ACT_ALLOW" }.flatMap { rule in
            rule.allNames.filter { SyscallTable.newerSyscalls.contains($0) && SyscallTable.number(of: $0) == nil }
        }
    }

    /// Permissive (and so opted in, or it would not compile): reports mark the run as such.
    public var isPermissive: Bool { !permissiveReasons.isEmpty }

    /// This profile plus `other`'s rules (its default action is ignored): how
    /// the exec path adds the startup allowances of a program. Each added
    /// rule remembers its file, so that an error in it names that file alone.
    public func adding(_ other: PolicyCompiler) -> PolicyCompiler {
        var merged = profile
        merged.syscalls = (profile.syscalls ?? []) + (other.profile.syscalls ?? []).map { rule in
            var rule = rule
            rule.origin = rule.origin ?? other.source
            return rule
        }
        var compiler = PolicyCompiler(profile: merged, source: source)
        compiler.capabilities = capabilities
        compiler.allowsPermissive = allowsPermissive
        return compiler
    }

    /// The bytes the profile was read from, when it came from a file: what a
    /// report's digest is taken of (the same bytes that were compiled, not
    /// the file as it may be later).
    public private(set) var sourceBytes: [UInt8]?

    public static func load(_ path: String) throws(SandboxPolicyError) -> PolicyCompiler {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path, limit: SeccompProfile.maxFileSize) } catch {
            throw SandboxPolicyError(file: path, message: "cannot read the profile: \(error.reason)")
        }
        var compiler = PolicyCompiler(profile: try SeccompProfile.parse(bytes, source: path), source: path)
        compiler.sourceBytes = bytes
        return compiler
    }

    public func compile(handling: ViolationHandling, allowances: LauncherAllowances = LauncherAllowances()) throws(SandboxPolicyError) -> SeccompFilter {
        let reasons = permissiveReasons
        guard reasons.isEmpty || profile.permissive || allowsPermissive else {
            throw fail("permissive profile (\(reasons.joined(separator: "; "))): add \"permissive\": true to it or pass --permissive to use it")
        }
        let defaultAction = try action(profile.defaultAction, errno: profile.defaultErrnoRet, handling: handling, place: "defaultAction")
        guard let context = seccomp_init(defaultAction) else { throw fail("libseccomp could not create a filter") }
        defer { seccomp_release(context) }
        try check(seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, SeccompAction.killProcess), "setting the bad-architecture action")
        try check(seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, 2), "choosing the binary-tree layout")
        try addArchitectures(context)

        var unknown: [(file: String, name: String)] = []
        var usesSelfPid = false
        let ownRules = profile.syscalls?.firstIndex { $0.origin != nil } ?? profile.syscalls?.count ?? 0
        for (index, rule) in (profile.syscalls ?? []).enumerated() where applies(rule) {
            // Places count within the rule's own file.
            let place = "syscalls[\(rule.origin == nil ? index : index - ownRules)]"
            let file = rule.origin ?? source
            let ruleAction = try action(rule.action, errno: rule.errnoRet ?? profile.defaultErrnoRet, handling: handling,
                                        place: "\(place).action", file: file)
            // A rule that repeats the default action adds nothing (libseccomp refuses it).
            if ruleAction == defaultAction { continue }
            let comparisons = try (rule.args ?? []).map { argument throws(SandboxPolicyError) in
                try comparison(argument, place: "\(place).args", file: file)
            }
            usesSelfPid = usesSelfPid || (rule.args ?? []).contains(where: \.isSelfPid)
            for name in rule.allNames {
                guard let number = SyscallTable.number(of: name) else {
                    // An allow rule for a syscall newer than this libseccomp is
                    // skipped, as Docker's runtime skips it (callers warn); any
                    // other unknown name is an error.
                    if !(ruleAction == SeccompAction.allow && SyscallTable.newerSyscalls.contains(name)) { unknown.append((file, name)) }
                    continue
                }
                try addRule(context, action: ruleAction, number: number, comparisons: comparisons, place: "\(place) \(name)", file: file)
            }
        }
        if let file = unknown.first?.file {
            let names = unknown.filter { $0.file == file }.map(\.name)
            throw SandboxPolicyError(file: file, message: "unknown syscall names: \(names.joined(separator: ", "))")
        }
        for (name, first) in allowances.rules where SeccompAction.allow != defaultAction {
            if let first, UInt32(truncatingIfNeeded: first) == RF_SELF_PID_PLACEHOLDER || UInt32(truncatingIfNeeded: first >> 32) == RF_SELF_PID_PLACEHOLDER {
                throw fail("the launcher's own \(name) rule collides with the $pid placeholder; launch again")
            }
            let comparisons = first.map { [scmp_arg_cmp(arg: 0, op: SCMP_CMP_EQ, datum_a: $0, datum_b: 0)] } ?? []
            // The profile may already allow the call outright (EEXIST); that is fine.
            let result = seccomp_rule_add_array(context, SeccompAction.allow, SyscallTable.number(of: name)!,
                                                UInt32(comparisons.count), comparisons)
            if result != 0 && result != -EEXIST { throw fail("the launcher's own \(name) rule conflicts with the profile") }
        }
        let instructions = try export(context)
        return SeccompFilter(instructions: instructions, handling: handling, selfPidSites: try selfPidSites(instructions, expected: usesSelfPid))
    }

    /// Counts the instructions that carry the `$pid` placeholder. Each must be
    /// a `BPF_JMP | BPF_JEQ | BPF_K` comparison (0x15), the only form the child
    /// patches; a profile that names `$pid` must produce at least one.
    private func selfPidSites(_ instructions: [UInt64], expected: Bool) throws(SandboxPolicyError) -> Int {
        var sites = 0
        for instruction in instructions where UInt32(truncatingIfNeeded: instruction >> 32) == RF_SELF_PID_PLACEHOLDER {
            // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, little-endian in one UInt64.
            guard UInt16(truncatingIfNeeded: instruction) == 0x15 else {
                throw fail("a \"$pid\" comparison compiled to an instruction the child cannot patch (use SCMP_CMP_EQ)")
            }
            sites += 1
        }
        guard expected || sites == 0 else {
            throw fail("the value \(RF_SELF_PID_PLACEHOLDER) is reserved for \"$pid\"; write \"$pid\" or another number")
        }
        guard !expected || sites > 0 else { throw fail("a \"$pid\" comparison left no instruction to patch") }
        return sites
    }

    // MARK: - Actions and comparisons

    private func action(_ name: String, errno: UInt32?, handling: ViolationHandling, place: @autoclosure () -> String,
                        file: String? = nil) throws(SandboxPolicyError) -> UInt32 {
        let violation: UInt32 = switch handling {
        case .trap: SeccompAction.trap
        case .notify, .log: SeccompAction.notify
        }
        switch name {
        case "SCMP_ACT_ALLOW": return SeccompAction.allow
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP": return violation
        case "SCMP_ACT_ERRNO": return handling == .log ? violation : SeccompAction.errno(errno ?? UInt32(EPERM))
        case "SCMP_ACT_LOG": return handling == .log ? violation : SeccompAction.log
        case "SCMP_ACT_NOTIFY": return SeccompAction.notify
        case "SCMP_ACT_TRACE": throw fail("\(place()): SCMP_ACT_TRACE needs a ptrace supervisor, which Ringfence does not provide", file: file)
        default: throw fail("\(place()): unknown action \(name)", file: file)
        }
    }

    private func comparison(_ argument: SeccompProfile.ArgumentComparison, place: @autoclosure () -> String,
                            file: String) throws(SandboxPolicyError) -> scmp_arg_cmp {
        let operators: [String: scmp_compare] = [
            "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE, "SCMP_CMP_EQ": SCMP_CMP_EQ,
            "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT, "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ,
        ]
        guard let op = operators[argument.op] else { throw fail("\(place()): unknown operator \(argument.op)", file: file) }
        guard argument.index < 6 else { throw fail("\(place()): argument index \(argument.index) is not 0...5", file: file) }
        guard !argument.isSelfPid || op == SCMP_CMP_EQ else { throw fail("\(place()): \"$pid\" can only be compared with SCMP_CMP_EQ", file: file) }
        // For SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the expected value, as in runc.
        return scmp_arg_cmp(arg: argument.index, op: op, datum_a: argument.value, datum_b: argument.valueTwo ?? 0)
    }

    /// Comparisons on distinct arguments are ANDed in one rule; several on the
    /// same argument cannot be, so each becomes a rule of its own (ORed), as
    /// container runtimes do.
    private func addRule(_ context: scmp_filter_ctx, action: UInt32, number: Int32, comparisons: [scmp_arg_cmp],
                         place: @autoclosure () -> String, file: String) throws(SandboxPolicyError) {
        let indices = comparisons.map(\.arg)
        let groups = Set(indices).count == indices.count ? [comparisons] : comparisons.map { [$0] }
        for group in groups {
            let result = seccomp_rule_add_array(context, action, number, UInt32(group.count), group)
            if result != 0 && result != -EEXIST {
                throw fail("\(place()): libseccomp refused the rule: \(String(cString: strerror(-result)))", file: file)
            }
        }
    }

    // MARK: - Which rules apply here

    private func applies(_ rule: SeccompProfile.SyscallRule) -> Bool {
        if let includes = rule.includes, !includes.isEmpty {
            if let caps = includes.caps, !caps.isEmpty, !Set(caps).isSubset(of: capabilities) { return false }
            if let arches = includes.arches, !arches.isEmpty, SyscallTable.nativeNames.isDisjoint(with: arches) { return false }
            if let minimum = includes.minKernel, !kernelAtLeast(minimum) { return false }
        }
        if let excludes = rule.excludes, !excludes.isEmpty {
            if let caps = excludes.caps, !capabilities.isDisjoint(with: caps) { return false }
            if let arches = excludes.arches, !SyscallTable.nativeNames.isDisjoint(with: arches) { return false }
            if let minimum = excludes.minKernel, kernelAtLeast(minimum) { return false }
        }
        return true
    }

    private func kernelAtLeast(_ version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        let (major, minor) = SyscallTable.kernelVersion
        return (major, minor) >= (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
    }

    /// The native architecture is always in; its 32-bit companion (i386 on
    /// x86_64) only when the profile lists it; x32 and foreign architectures never.
    private func addArchitectures(_ context: scmp_filter_ctx) throws(SandboxPolicyError) {
        var listed = Set(profile.architectures ?? [])
        for mapping in profile.archMap ?? [] where SyscallTable.nativeNames.contains(mapping.architecture) {
            listed.formUnion(mapping.subArchitectures ?? [])
        }
        if let compatible = SyscallTable.compatibleArchitecture, !compatible.names.isDisjoint(with: listed) {
            let result = seccomp_arch_add(context, compatible.token)
            if result != 0 && result != -EEXIST { throw fail("cannot add the \(SyscallTable.architectureName(compatible.token)) architecture") }
        }
    }

    // MARK: - Export

    /// libseccomp 2.5 exports only to a file descriptor: a memfd, which
    /// holds whatever libseccomp writes. (A pipe would not: a filter past the
    /// kernel's limit can be over 64 KiB, and the export would block for ever
    /// on a full pipe nobody reads yet.)
    private func export(_ context: scmp_filter_ctx) throws(SandboxPolicyError) -> [UInt64] {
        let fd = rf_shared_memory("ringfence-filter", 0)
        guard fd >= 0 else { throw fail("cannot create a memfd to export the filter") }
        defer { close(fd) }
        let result = seccomp_export_bpf(context, fd)
        guard result == 0 else { throw fail("libseccomp could not export the filter: \(String(cString: strerror(-result)))") }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw fail("cannot read the exported filter") }
        // One instruction more than the kernel accepts, so that an oversized filter is caught here.
        let capacity = (4096 + 1) * 8  // BPF_MAXINSNS + 1
        var length = 0
        let instructions = [UInt64](unsafeUninitializedCapacity: capacity / 8) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while length < capacity {
                let got = read(fd, raw.baseAddress! + length, capacity - length)
                if got > 0 { length += got } else if got == 0 || errno != EINTR { break }
            }
            count = length / 8
        }
        guard length > 0, length % 8 == 0 else { throw fail("libseccomp exported \(length) bytes, not whole instructions") }
        guard instructions.count <= 4096 else { throw fail("the filter needs more than 4,096 BPF instructions, the kernel's limit") }
        return instructions
    }

    private func check(_ result: Int32, _ what: String) throws(SandboxPolicyError) {
        if result != 0 { throw fail("libseccomp failed \(what): \(String(cString: strerror(-result)))") }
    }

    private func fail(_ message: String, file: String? = nil) -> SandboxPolicyError { SandboxPolicyError(file: file ?? source, message: message) }
}
