import RingfenceSystem

/// The Windows stop code a host's death maps to, after how the process ended.
public enum Bugcheck: String, Codable, Sendable, CaseIterable {
    /// A wild read or write: SIGSEGV or SIGBUS. The July 19 stop code.
    case pageFaultInNonpagedArea = "PAGE_FAULT_IN_NONPAGED_AREA"
    /// A trap in kernel code: a Swift bounds check (SIGILL, SIGTRAP on arm64).
    case kmodeExceptionNotHandled = "KMODE_EXCEPTION_NOT_HANDLED"
    /// A kernel stuck past the watchdog: SIGPROF from the host's own CPU-time
    /// watchdog, or the lab's last-resort kill of a host that went silent.
    case dpcWatchdogViolation = "DPC_WATCHDOG_VIOLATION"
    /// The kernel found its own state corrupted (its integrity check stops it and says so).
    case kernelSecurityCheckFailure = "KERNEL_SECURITY_CHECK_FAILURE"
    /// The kernel ran out of memory (an allocation failed: SIGABRT from the Swift runtime).
    case memoryManagement = "MEMORY_MANAGEMENT"
    /// Anything else.
    case systemServiceException = "SYSTEM_SERVICE_EXCEPTION"

    public init(_ signal: Signal) {
        switch signal {
        case .segmentationFault, .bus: self = .pageFaultInNonpagedArea
        case .illegalInstruction, .trap: self = .kmodeExceptionNotHandled
        case .profilingTimer, .alarm, .kill: self = .dpcWatchdogViolation
        case .abort: self = .memoryManagement
        default: self = .systemServiceException
        }
    }
}
