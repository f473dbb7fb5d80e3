/// What the kernel says a finished child used (`wait4`'s rusage).
public struct ResourceUsage: Hashable, Sendable, Codable {
    public var userSeconds: Double
    public var systemSeconds: Double
    /// Peak resident set size, bytes.
    public var peakResidentBytes: Int

    public init(userSeconds: Double, systemSeconds: Double, peakResidentBytes: Int) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.peakResidentBytes = peakResidentBytes
    }

    public static let zero = ResourceUsage(userSeconds: 0, systemSeconds: 0, peakResidentBytes: 0)
}
