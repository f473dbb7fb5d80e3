import CSandbox
import Glibc

/// Builds the C `rf_child_config` for one launch. Everything is computed here,
/// in the parent, before the fork: the child only reads the structure.
struct ChildConfiguration {
    var raw = rf_child_config()

    /// - Parameters:
    ///   - descriptors: the full fd layout, the report pipe included.
    ///   - setupFd: write end of the close-on-exec setup channel.
    ///   - syncFd: read end of the listener go-ahead pipe (notify and log, fork paths), or -1.
    ///   - handover: how the notification listener reaches the supervisor.
    ///   - expectedParent: the pid that clones the child (0 to skip the check).
    ///   - filter: the filter the child will load; the configuration carries its `$pid` site count.
    init(spec: SandboxSpec, descriptors: [DescriptorMapping], setupFd: Int32, syncFd: Int32, handover: ListenerHandover = .pidfdCopy,
         expectedParent: pid_t, filter: SeccompFilter) throws(SandboxSetupError) {
        guard descriptors.count <= Int(RF_MAX_FDS) else { throw SandboxSetupError(stage: .fileDescriptors, errno: EMFILE) }
        raw.parent_death_signal = SIGKILL
        // In a new PID namespace the child is pid 1 there and its getppid() is 0.
        raw.expected_parent = spec.namespaces.contains(.pid) ? 0 : expectedParent
        raw.setup_fd = setupFd
        raw.sync_fd = syncFd
        raw.listener_by_message = handover == .message ? 1 : 0
        raw.fd_count = Int32(descriptors.count)
        withUnsafeMutableBytes(of: &raw.fd_sources) { sources in
            for (index, mapping) in descriptors.enumerated() { sources.storeBytes(of: mapping.source, toByteOffset: index * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &raw.fd_targets) { targets in
            for (index, mapping) in descriptors.enumerated() { targets.storeBytes(of: mapping.target, toByteOffset: index * 4, as: Int32.self) }
        }
        raw.report_fd = spec.reportTarget ?? -1
        let unlimited = rlim_t.max
        raw.address_space = spec.limits.addressSpace.map { rlim_t($0) } ?? unlimited
        raw.cpu_seconds = spec.limits.cpuSeconds.map { rlim_t($0) } ?? unlimited
        raw.nofile = spec.limits.openFiles.map { rlim_t($0) } ?? unlimited
        raw.nproc = spec.limits.processes.map { rlim_t($0) } ?? unlimited
        raw.private_mounts = spec.namespaces.contains(.mount) ? 1 : 0
        raw.drop_identity = spec.identity.dropWhenRoot ? 1 : 0
        raw.uid = spec.identity.uid
        raw.gid = spec.identity.gid
        raw.seccomp_flags = spec.handling == .trap ? 0 : UInt32(SECCOMP_FILTER_FLAG_NEW_LISTENER)
        raw.self_pid_sites = Int32(filter.selfPidSites)
    }

    /// Calls `body` with the configuration pointing at `filter`'s instructions,
    /// which stay valid for the duration of the call (the clone happens inside).
    /// The child patches its pid into a copy of its own, never into these.
    mutating func withFilter<R>(_ filter: SeccompFilter, _ body: (UnsafePointer<rf_child_config>) -> R) -> R {
        filter.instructions.withUnsafeBufferPointer { instructions in
            raw.filter = UnsafeRawPointer(instructions.baseAddress)?.assumingMemoryBound(to: sock_filter.self)
            raw.filter_length = UInt16(clamping: instructions.count)
            defer { raw.filter = nil }
            return withUnsafePointer(to: &raw) { body($0) }
        }
    }
}

/// SECCOMP_FILTER_FLAG_NEW_LISTENER (linux/seccomp.h), as a plain value.
let SECCOMP_FILTER_FLAG_NEW_LISTENER: UInt = 1 << 3
