/// Where an interpreter is while it evaluates: the channel and the instance.
///
/// A kernel-mode host points it into its crash dump, a page that outlives
/// the process, so that a host crash names the rule that faulted, as the July
/// 2024 crash dumps named the sensor's driver and its channel file. Writing it
/// is two stores per instance; without a destination it is a single branch.
public struct InterpreterTrace: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Int64>?

    /// No trace kept (user mode, benchmarks, `content eval`).
    public init() { slots = nil }

    /// Keeps the trace in `slots[0]` (channel) and `slots[1]` (instance).
    public init(recordingInto slots: UnsafeMutablePointer<Int64>) { self.slots = slots }

    @inline(__always)
    func mark(_ instance: CompiledInstance) {
        guard let slots else { return }
        slots[0] = Int64(instance.channel)
        slots[1] = Int64(instance.id)
    }
}
