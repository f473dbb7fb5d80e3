/// Sizes as people write them: `256MiB`, `1GiB`, `512KiB`, `64MB`, `4096`.
public enum ByteSize {
    static let units: [(suffix: String, factor: Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
    ]

    /// Bytes, or nil for text that is not a size.
    public static func parse(_ text: String) -> Int? {
        let trimmed = String(text.filter { $0 != " " })
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0,
                  number * Double(factor) < Double(Int.max) else { return nil }
            return Int(number * Double(factor))
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// `1 MiB`, `64 KiB`, `1000 bytes`: the largest binary unit that divides the size.
    public static func describe(_ bytes: Int) -> String {
        for (suffix, factor) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor) \(suffix)"
        }
        return "\(bytes) bytes"
    }
}

/// Durations as people write them: `500us`, `200ms`, `2s`, `78m`, `1h`.
public enum DurationText {
    static let units: [(suffix: String, seconds: Double)] = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]

    /// Seconds, or nil for text that is not a duration.
    public static func parse(_ text: String) -> Double? {
        let trimmed = String(text.filter { $0 != " " })
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0, number.isFinite else {
                return nil
            }
            return number * seconds
        }
        return nil
    }
}
