import Foundation
import RingfenceSystem

/// Repeated measurements of one quantity, summarised the way BENCHMARKS.md
/// reports them: median with the range over runs.
public struct Samples: Sendable {
    public private(set) var values: [Double] = []

    public init() {}
    public init(_ values: [Double]) { self.values = values }

    public mutating func add(_ value: Double) { values.append(value) }

    public var median: Double { percentile(50) }
    public var min: Double { values.min() ?? 0 }
    public var max: Double { values.max() ?? 0 }

    /// Nearest-rank percentile.
    public func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank))]
    }
}

/// Formats a rate: 1234567 -> "1.23 M".
public func formatRate(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.2f G", value / 1e9)
    case 1e6...: String(format: "%.2f M", value / 1e6)
    case 1e3...: String(format: "%.1f k", value / 1e3)
    default: String(format: "%.0f", value)
    }
}
