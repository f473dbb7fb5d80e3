import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem
import RingfenceTestSupport

/// Shared set-up for the sandbox tests: the shipped profiles, a fork server
/// running the real `ringfence` binary, and specs with /dev/null descriptors.
enum SandboxFixtures {
    static var profiles: String { "\(Fixtures.root)/Sandbox/profiles" }

    static func policy(_ name: String = "agent.json") throws -> PolicyCompiler {
        try PolicyCompiler.load("\(profiles)/\(name)")
    }

    static func forkServer() throws -> ForkServer {
        try ForkServer(executable: RingfenceBinary.path)
    }

    static func execLauncher() throws -> ExecLauncher {
        ExecLauncher(startup: try policy("exec-startup.json"))
    }

    static var probeExecutable: String {
        URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent().appendingPathComponent("ringfence-probe").path
    }

    /// The shared real-world profiles, when the shared fixtures are present.
    static var podmanProfile: String? { sharedProfile("podman-default.json") }
    static var dockerProfile: String? { sharedProfile("docker-default.json") }

    static func sharedProfile(_ name: String) -> String? {
        let path = URL(fileURLWithPath: Fixtures.root).deletingLastPathComponent()
            .appendingPathComponent("shared/fixtures/seccomp/\(name)").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)

    /// A function that runs one probe act or policy check (by id) under
    /// `policy`, opted in as permissive (real-world profiles allow execve),
    /// and returns how it ended.
    static func answers(under policy: PolicyCompiler) throws -> (Int32) throws -> Termination {
        let forkServer = try forkServer()
        var policy = policy
        policy.allowsPermissive = true
        let spec = SandboxSpec(policy: policy, handling: .notify, limits: ProbeRunner.limits,
                               descriptors: [0, 1, 2].map { DescriptorMapping(devNull, as: $0) }, reportTarget: 3)
        return { id in try forkServer.launch(spec, entry: "probe", arguments: [Int64(id), 0]).wait(until: monotonicSeconds() + 10) }
    }

    /// A spec under `profile`, with stdin, stdout and stderr on /dev/null
    /// (or stdout on `stdout`), and the reporter on fd 3.
    static func spec(_ profile: String = "agent.json", handling: ViolationHandling = .notify,
                     limits: SandboxLimits = ProbeRunner.limits, stdout: Int32? = nil) throws -> SandboxSpec {
        SandboxSpec(policy: try policy(profile), handling: handling, limits: limits,
                    descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(stdout ?? devNull, as: 1),
                                  DescriptorMapping(devNull, as: 2)],
                    reportTarget: 3)
    }

    /// Open descriptors of this process.
    static var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Zombie processes whose parent is one of `parents`.
    static func zombieChildren(of parents: [pid_t]) -> [pid_t] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init)
        return pids.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && fields[0] == "Z" && parents.contains(pid_t(fields[1]) ?? 0)
        }
    }

    /// Whether `pid` is a live process (not gone, not a zombie).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
