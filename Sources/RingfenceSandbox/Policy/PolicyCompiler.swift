import CSeccomp
import Glibc

/// A BPF program ready for `seccomp(SECCOMP_SET_MODE_FILTER)`: compiled by
/// libseccomp in the parent, so that the child only hands it to the kernel.
public struct SeccompFilter: Hashable, Sendable {
    /// Raw `struct sock_filter` values, 8 bytes each.
    public let instructions: [UInt64]
    public let handling: ViolationHandling

    public var instructionCount: Int { instructions.count }
}

/// Compiles an OCI profile with libseccomp and exports the BPF.
///
/// Always: the bad-architecture action kills the process, x32 syscall numbers
/// are never allowed (x32 is not added even when a profile's archMap lists
/// it), and the filter is optimised as a binary tree. Kill and trap actions
/// become the chosen ``ViolationHandling``.
public struct PolicyCompiler: Sendable {
    public let profile: SeccompProfile
    /// Where the profile came from, for messages.
    public let source: String
    /// Capabilities the sandboxed process holds: none, for an agent.
    public var capabilities: Set<String> = []

    public init(profile: SeccompProfile, source: String) {
        self.profile = profile
        self.source = source
    }

    /// A profile whose default is SCMP_ACT_LOG asks for permissive handling.
    public var isPermissive: Bool { profile.defaultAction == "SCMP_ACT_LOG" }

    /// `handling`, or `.log` for a permissive profile.
    public func handling(preferring handling: ViolationHandling) -> ViolationHandling { isPermissive ? .log : handling }

    /// This profile plus `other`'s rules (its default action is ignored): how
    /// the exec path adds the startup allowances of a dynamically linked program.
    public func adding(_ other: PolicyCompiler) -> PolicyCompiler {
        var merged = profile
        merged.syscalls = (profile.syscalls ?? []) + (other.profile.syscalls ?? [])
        var compiler = PolicyCompiler(profile: merged, source: "\(source) + \(other.source)")
        compiler.capabilities = capabilities
        return compiler
    }

    public static func load(_ path: String) throws(SandboxPolicyError) -> PolicyCompiler {
        PolicyCompiler(profile: try SeccompProfile.load(path), source: path)
    }

    public func compile(handling: ViolationHandling, allowances: LauncherAllowances = LauncherAllowances()) throws(SandboxPolicyError) -> SeccompFilter {
        let defaultAction = try action(profile.defaultAction, errno: profile.defaultErrnoRet, handling: handling, place: "defaultAction")
        guard let context = seccomp_init(defaultAction) else { throw fail("libseccomp could not create a filter") }
        defer { seccomp_release(context) }
        try check(seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, SeccompAction.killProcess), "setting the bad-architecture action")
        try check(seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, 2), "choosing the binary-tree layout")
        try addArchitectures(context)

        var unknown: [String] = []
        for (index, rule) in (profile.syscalls ?? []).enumerated() where applies(rule) {
            let ruleAction = try action(rule.action, errno: rule.errnoRet ?? profile.defaultErrnoRet, handling: handling,
                                        place: "syscalls[\(index)].action")
            // A rule that repeats the default action adds nothing (libseccomp refuses it).
            if ruleAction == defaultAction { continue }
            let comparisons = try (rule.args ?? []).map { argument throws(SandboxPolicyError) in
                try comparison(argument, place: "syscalls[\(index)].args")
            }
            for name in rule.allNames {
                guard let number = SyscallTable.number(of: name) else { unknown.append(name); continue }
                try addRule(context, action: ruleAction, number: number, comparisons: comparisons, place: "syscalls[\(index)] \(name)")
            }
        }
        guard unknown.isEmpty else {
            throw fail("unknown syscall names: \(unknown.joined(separator: ", "))")
        }
        for (name, first) in allowances.rules where SeccompAction.allow != defaultAction {
            let comparisons = first.map { [scmp_arg_cmp(arg: 0, op: SCMP_CMP_EQ, datum_a: $0, datum_b: 0)] } ?? []
            // The profile may already allow the call outright (EEXIST); that is fine.
            let result = seccomp_rule_add_array(context, SeccompAction.allow, SyscallTable.number(of: name)!,
                                                UInt32(comparisons.count), comparisons)
            if result != 0 && result != -EEXIST { throw fail("the launcher's own \(name) rule conflicts with the profile") }
        }
        return SeccompFilter(instructions: try export(context), handling: handling)
    }

    // MARK: - Actions and comparisons

    private func action(_ name: String, errno: UInt32?, handling: ViolationHandling, place: @autoclosure () -> String) throws(SandboxPolicyError) -> UInt32 {
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
        case "SCMP_ACT_TRACE": throw fail("\(place()): SCMP_ACT_TRACE needs a ptrace supervisor, which Ringfence does not provide")
        default: throw fail("\(place()): unknown action \(name)")
        }
    }

    private func comparison(_ argument: SeccompProfile.ArgumentComparison, place: @autoclosure () -> String) throws(SandboxPolicyError) -> scmp_arg_cmp {
        let operators: [String: scmp_compare] = [
            "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE, "SCMP_CMP_EQ": SCMP_CMP_EQ,
            "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT, "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ,
        ]
        guard let op = operators[argument.op] else { throw fail("\(place()): unknown operator \(argument.op)") }
        guard argument.index < 6 else { throw fail("\(place()): argument index \(argument.index) is not 0...5") }
        // For SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the expected value, as in runc.
        return scmp_arg_cmp(arg: argument.index, op: op, datum_a: argument.value, datum_b: argument.valueTwo ?? 0)
    }

    /// Comparisons on distinct arguments are ANDed in one rule; several on the
    /// same argument cannot be, so each becomes a rule of its own (ORed), as
    /// container runtimes do.
    private func addRule(_ context: scmp_filter_ctx, action: UInt32, number: Int32, comparisons: [scmp_arg_cmp], place: @autoclosure () -> String) throws(SandboxPolicyError) {
        let indices = comparisons.map(\.arg)
        let groups = Set(indices).count == indices.count ? [comparisons] : comparisons.map { [$0] }
        for group in groups {
            let result = seccomp_rule_add_array(context, action, number, UInt32(group.count), group)
            if result != 0 && result != -EEXIST {
                throw fail("\(place()): libseccomp refused the rule: \(String(cString: strerror(-result)))")
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

    /// libseccomp 2.5 exports only to a file descriptor; a pipe holds any
    /// filter (at most 4,096 instructions, 32 KiB) without blocking.
    private func export(_ context: scmp_filter_ctx) throws(SandboxPolicyError) -> [UInt64] {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw fail("cannot create a pipe to export the filter") }
        defer { close(fds[0]) }
        let result = seccomp_export_bpf(context, fds[1])
        close(fds[1])
        guard result == 0 else { throw fail("libseccomp could not export the filter: \(String(cString: strerror(-result)))") }
        // One instruction more than the kernel accepts, so that an oversized filter is caught here.
        let capacity = (4096 + 1) * 8  // BPF_MAXINSNS + 1
        var length = 0
        let instructions = [UInt64](unsafeUninitializedCapacity: capacity / 8) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while length < capacity {
                let got = read(fds[0], raw.baseAddress! + length, capacity - length)
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

    private func fail(_ message: String) -> SandboxPolicyError { SandboxPolicyError(file: source, message: message) }
}
