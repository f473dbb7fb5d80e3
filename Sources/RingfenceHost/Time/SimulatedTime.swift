import RingfenceSystem

/// A point or a span on a trial's simulated clock, in whole microseconds.
///
/// Every count, outcome and timeline position of a trial is measured on this
/// clock, never on the machine's (DESIGN.md section 1a). It is an integer, so
/// arithmetic on it is exact and the same in debug and release builds; a
/// point is the span since the trial started. The lab carries the clock
/// across boots, the host advances it by batches of events within one.
public struct SimulatedTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static let zero = SimulatedTime(microseconds: 0)
    /// Later than any trial: "never".
    public static let never = SimulatedTime(microseconds: .max / 4)

    public static func microseconds(_ value: Int64) -> SimulatedTime { SimulatedTime(microseconds: value) }
    public static func milliseconds(_ value: Int64) -> SimulatedTime { SimulatedTime(microseconds: value * 1_000) }
    public static func seconds(_ value: Int64) -> SimulatedTime { SimulatedTime(microseconds: value * 1_000_000) }
    public static func minutes(_ value: Int64) -> SimulatedTime { .seconds(value * 60) }

    /// The nearest whole microsecond to `seconds`.
    public init(seconds: Double) { self.microseconds = Int64((seconds * 1_000_000).rounded()) }

    public var seconds: Double { Double(microseconds) / 1_000_000 }
    public var milliseconds: Double { Double(microseconds) / 1_000 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(microseconds: lhs.microseconds + rhs.microseconds) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(microseconds: lhs.microseconds - rhs.microseconds) }
    public static func * (lhs: Self, rhs: Int64) -> Self { Self(microseconds: lhs.microseconds * rhs) }
    public static func += (lhs: inout Self, rhs: Self) { lhs.microseconds += rhs.microseconds }

    // MARK: - Text

    /// Parses `500us`, `200ms`, `2s`, `1.5s`, `78m` or `1h`.
    /// A duration past Int64 microseconds (about 292,000 years) saturates at
    /// the largest, so that a range check names it rather than a conversion trapping.
    public init?(text: String) {
        guard let seconds = DurationText.parse(text) else { return nil }
        let microseconds = seconds * 1e6
        guard microseconds.isFinite, microseconds < 9.2e18 else {
            self.init(microseconds: .max)
            return
        }
        self.init(seconds: seconds)
    }

    /// The shortest exact spelling: `78m`, `1500ms`, `250us`; `0s` for zero.
    public var description: String {
        let units: [(suffix: String, size: Int64)] = [("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000)]
        for (suffix, size) in units where microseconds != 0 && microseconds % size == 0 {
            return "\(microseconds / size)\(suffix)"
        }
        return microseconds == 0 ? "0s" : "\(microseconds)us"
    }

    // MARK: - JSON: whole microseconds

    public init(from decoder: Decoder) throws {
        microseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microseconds)
    }
}
