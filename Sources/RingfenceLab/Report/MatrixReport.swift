/// The cross product of a `ringfence matrix` run: one row per combination,
/// and the reading that names which single changes make the worst outcome harmless.
public struct MatrixReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        /// One value per key, in --vary order.
        public var values: [String]
        public var outcome: String
        public var hostCrashes: Int
        public var boots: Int
        public var restarts: Int
        public var missed: Int
    }

    public var keys: [String]
    public var rows: [Row]
    public var reading: String
}
