import CSandbox
import Glibc

/// Nothing the lab starts may outlive it, even when it is killed with SIGKILL
/// and cannot clean up. Every long-lived helper (a host, a fork server) is
/// started with its parent's pid in the environment and, first thing, arms a
/// parent-death SIGKILL and checks that the parent is still that pid.
///
/// The helper arms it itself, rather than its parent between fork and exec:
/// posix_spawn gives no such hook, and the signal belongs to the helper.
/// Linux sends it when the *thread* that spawned the helper exits; the lab
/// spawns a host from the worker thread that then waits for it, so that
/// thread outlives the host. Agents need nothing of this: their setup arms
/// the same signal against the fork server (step 1).
public enum ParentDeath {
    /// The variable that carries the parent's pid.
    public static let environmentKey = "RINGFENCE_PARENT_PID"

    /// What to add to a helper's environment so that it dies with this process.
    public static var environment: [String: String] { [environmentKey: "\(getpid())"] }

    /// Arms the parent-death signal if this process was started with
    /// ``environment``, and removes the variable so that nothing started
    /// later inherits a pid that is not its parent. A parent that is already
    /// gone ends this process at once.
    public static func armFromEnvironment() {
        guard let value = getenv(environmentKey), let parent = pid_t(String(cString: value)), parent > 0 else { return }
        unsetenv(environmentKey)
        _ = rf_die_with_parent(parent)
    }
}
