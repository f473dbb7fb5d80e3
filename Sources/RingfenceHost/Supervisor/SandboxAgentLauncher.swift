import CSandbox
import Glibc
import Logging
import RingfenceSandbox
import RingfenceSystem

/// Starts user-mode agents for real: each a child of a fork server, under its
/// seccomp profile (compiled here, once per profile), rlimits and
/// no_new_privs, with its two pipes and its event ring. Any step that fails
/// fails the launch, and no agent runs (fail closed).
final class SandboxAgentLauncher: AgentLauncher {
    let layout: EventRingLayout
    let logger: Logger
    private var forkServer: ForkServer?
    private var policies: [String: PolicyCompiler] = [:]
    private let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)

    init(layout: EventRingLayout = .standard, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    deinit { if devNull >= 0 { close(devNull) } }

    func launch(_ configuration: AgentConfiguration, content: [ContentUpdate]) throws(AgentLaunchError) -> (AgentConnection, WallFacts) {
        do {
            let agent = try start(configuration)
            let heartbeat = UInt32(clamping: max(1, configuration.limits.heartbeat.microseconds / 1000))
            agent.configure(AgentSettingsWire(interpreter: configuration.interpreter, heartbeatMilliseconds: heartbeat, layout: layout,
                                              sensor: configuration.sensor))
            for update in content { agent.deliver(update) }
            return (agent, WallFacts(pid: agent.process.pid, launchMilliseconds: agent.process.launchSeconds * 1000))
        } catch let error as SandboxSetupError {
            throw AgentLaunchError(failure: AgentFailure(.setupFailed(error.stage, errno: error.errno)))
        } catch {
            throw AgentLaunchError(failure: AgentFailure(kind: .sandboxSetup, detail: "sandbox setup failed: \(error)"))
        }
    }

    private func start(_ configuration: AgentConfiguration) throws -> UserModeAgent {
        if forkServer == nil { forkServer = try ForkServer(logger: logger) }
        let policy = try policies[configuration.profile] ?? configuration.policy()
        policies[configuration.profile] = policy
        var hostToAgent: [Int32] = [-1, -1], agentToHost: [Int32] = [-1, -1]
        guard rf_pipe_cloexec(&hostToAgent) == 0 else { throw SandboxSetupError(stage: .fileDescriptors, errno: errno) }
        guard rf_pipe_cloexec(&agentToHost) == 0 else {
            hostToAgent.forEach { close($0) }
            throw SandboxSetupError(stage: .fileDescriptors, errno: errno)
        }
        let ring: SharedMemory
        let process: SandboxedProcess
        do {
            ring = try SharedMemory(name: "ringfence-\(configuration.name)", size: layout.totalSize)
            let spec = SandboxSpec(
                policy: policy, handling: configuration.violations,
                limits: SandboxLimits(addressSpace: configuration.limits.memory, cpuSeconds: configuration.limits.cpu, openFiles: 64,
                                      processes: 4),
                descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(devNull, as: 1), DescriptorMapping(devNull, as: 2),
                              DescriptorMapping(hostToAgent[0], as: AgentMain.input), DescriptorMapping(agentToHost[1], as: AgentMain.output),
                              DescriptorMapping(ring.fd, as: AgentMain.ring)],
                reportTarget: AgentMain.report)
            process = try forkServer!.launch(spec, entry: configuration.entry)
        } catch {
            (hostToAgent + agentToHost).forEach { close($0) }
            throw error
        }
        close(hostToAgent[0])
        close(agentToHost[1])
        for fd in [hostToAgent[1], agentToHost[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        // Fail closed: an agent whose CPU time cannot be read could spin for ever unnoticed.
        guard let cpuClock = ProcessCPUClock(pid: process.pid) else {
            process.kill(deadline: false)
            [hostToAgent[1], agentToHost[0]].forEach { close($0) }
            throw SandboxSetupError(stage: .resourceLimits, errno: ESRCH)
        }
        return UserModeAgent(configuration: configuration, process: process, ring: ring, layout: layout, cpuClock: cpuClock,
                             toAgent: hostToAgent[1], fromAgent: agentToHost[0])
    }
}
