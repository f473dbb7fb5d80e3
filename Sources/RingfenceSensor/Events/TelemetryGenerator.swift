import RingfenceContent

/// A seeded generator of realistic telemetry for every built-in template type.
///
/// Each event carries ground truth (malicious or not) so detection can be
/// counted. The same seed always yields the same events, byte for byte.
public struct TelemetryGenerator: Sendable {
    public let mix: EventMix
    public let sensor: SensorTemplates
    private var random: SeededGenerator
    private var sequence: UInt64 = 0
    private let cumulative: [(type: TemplateTypeID, upTo: Double)]
    /// Per template type (by raw value): how this sensor's fields map onto the
    /// built-in sensor's, nil where they are the same. Worked out once, not per event.
    private let fieldMaps: [TemplateTypeID: [Int?]]

    public init(seed: UInt64, mix: EventMix = .standard, sensor: SensorTemplates = .builtIn) {
        self.mix = mix
        self.sensor = sensor
        self.random = SeededGenerator(seed: seed).derived("telemetry")
        var total = 0.0
        var cumulative: [(type: TemplateTypeID, upTo: Double)] = []
        for (type, weight) in mix.weights.sorted(by: { $0.key < $1.key }) where weight > 0 {
            total += weight
            cumulative.append((type, total))
        }
        self.cumulative = cumulative.map { ($0.type, $0.upTo / max(total, .leastNonzeroMagnitude)) }
        var fieldMaps: [TemplateTypeID: [Int?]] = [:]
        for type in sensor.types {
            let builtIn = SensorTemplates.builtIn.type(type.id)?.fields ?? []
            if type.fields != builtIn { fieldMaps[type.id] = type.fields.map { builtIn.firstIndex(of: $0) } }
        }
        self.fieldMaps = fieldMaps
    }

    /// Appends `count` events to `batch`.
    public mutating func generate(_ count: Int, into batch: inout EventBatch) {
        for _ in 0..<count { appendEvent(to: &batch) }
    }

    /// A new batch of `count` events.
    public mutating func batch(_ count: Int) -> EventBatch {
        var batch = EventBatch(reservingCapacity: count * 640)
        generate(count, into: &batch)
        return batch
    }

    public mutating func appendEvent(to batch: inout EventBatch) {
        let roll = Double.random(in: 0..<1, using: &random)
        let type = cumulative.first { roll < $0.upTo }?.type ?? cumulative.last?.type ?? .ipc
        let malicious = Double.random(in: 0..<1, using: &random) < mix.malicious
        sequence += 1
        let canonical = fields(for: type, malicious: malicious)
        if let map = fieldMaps[type] {
            // A sensor build with another field list: supply by name, empty for unknown fields.
            batch.append(type: type, malicious: malicious, sequence: sequence, fields: map.map { $0.map { canonical[$0] } ?? "" })
        } else if sensor.type(type) != nil {
            batch.append(type: type, malicious: malicious, sequence: sequence, fields: canonical)
        }
    }

    // MARK: - Field values per type (in the built-in field order)

    private mutating func fields(for type: TemplateTypeID, malicious: Bool) -> [String] {
        switch type {
        case .ipc: ipc(malicious)
        case .process: process(malicious)
        case .file: file(malicious)
        default: network(malicious)
        }
    }

    private mutating func ipc(_ malicious: Bool) -> [String] {
        typealias V = TelemetryVocabulary
        let pipe = expand(pick(malicious ? V.maliciousPipeFormats : V.benignPipeFormats))
        let client = malicious ? pick(V.maliciousImages) : pick(V.benignImages)
        let server = pick(V.benignImages)
        let remote = malicious && pipe.hasSuffix("PSEXESVC") ? "10.20.\(int(0...255)).\(int(1...254))" : "."
        return [pipe, pick(["create", "connect", "connect"]), "\(int(400...40000))", client,
                malicious ? pick(V.maliciousCommandLines) : pick(V.benignCommandLines),
                pick(V.benignImages), pick(V.users), malicious ? pick(["High", "System"]) : pick(V.integrity), "\(int(0...3))", hash(),
                malicious ? "Unsigned" : pick(V.signers),
                "\(int(400...40000))", server, pick(V.users), pick(V.integrity),
                "0x\(String(pick([0x12019F, 0x120089, 0x1F01FF, 0x100003]), radix: 16))",
                pick(["byte", "message"]), "\(pick([1, 10, 255]))", remote,
                pick(["Anonymous", "Identification", "Impersonation", "Delegation"])]
    }

    private mutating func process(_ malicious: Bool) -> [String] {
        typealias V = TelemetryVocabulary
        let commandLine = malicious ? pick(V.maliciousCommandLines) : pick(V.benignCommandLines)
        let image = malicious ? pick(V.maliciousImages) : pick(V.benignImages)
        let parent = malicious ? pick(["C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                                       "C:\\Windows\\System32\\cmd.exe"]) : pick(V.benignParents)
        return [image, commandLine, "\(int(400...40000))", "\(int(400...40000))", parent, pick(V.benignCommandLines),
                pick(V.users), pick(V.integrity), "\(int(0...3))", hash(), malicious ? "Unsigned" : pick(V.signers),
                "C:\\Users\\\(pick(["alice", "bob", "carol"]))", "0x\(String(int(0x3E7...0xFFFFF), radix: 16))",
                pick(["TokenElevationTypeDefault", "TokenElevationTypeFull", "TokenElevationTypeLimited"])]
    }

    private mutating func file(_ malicious: Bool) -> [String] {
        typealias V = TelemetryVocabulary
        let path = malicious ? pick(V.maliciousFilePaths) : pick(V.benignFilePaths)
        let name = path.lastIndex(of: "\\").map { path[path.index(after: $0)...] } ?? path[...]
        let ext = name.lastIndex(of: ".").map { dot in dot == name.startIndex ? "" : String(name[dot...]) } ?? ""
        // The event log is only ever appended to by a benign host; deleting it is an attack.
        let operation = malicious || V.isEventLog(path) ? "write" : pick(["write", "write", "rename", "delete"])
        return [operation, path, ext, malicious ? pick(V.maliciousImages) : pick(V.benignImages),
                "\(int(400...40000))", pick(V.users), "\(int(0...50_000_000))", hash(), "\\Device\\HarddiskVolume3",
                ext == ".exe" || ext == ".sys" || ext == ".dll" ? "true" : "false", pick(["0", "0", "3"]),
                malicious && ext == ".locked" ? String(path.dropLast(7)) : ""]
    }

    private mutating func network(_ malicious: Bool) -> [String] {
        typealias V = TelemetryVocabulary
        let host = malicious ? pick(V.maliciousHosts) : pick(V.benignHosts)
        let port = malicious ? pick(["4444", "443", "8443", "445"]) : pick(["443", "443", "80", "445", "53"])
        return [pick(["outbound", "outbound", "inbound"]), pick(["tcp", "tcp", "udp"]),
                "10.20.\(int(0...255)).\(int(1...254))", "\(int(49152...65535))",
                "\(int(1...223)).\(int(0...255)).\(int(0...255)).\(int(1...254))", port, host,
                malicious ? pick(V.maliciousImages) : pick(V.benignImages), "\(int(400...40000))", pick(V.users),
                hash(), port == "443" ? host : ""]
    }

    // MARK: - Random helpers

    private mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// 64 lower-case hex digits from four random words, most significant digit first.
    private mutating func hash() -> String {
        let words = (random.next(), random.next(), random.next(), random.next())
        return String(unsafeUninitializedCapacity: 64) { buffer in
            for (index, word) in [words.0, words.1, words.2, words.3].enumerated() {
                for digit in 0..<16 { buffer[index * 16 + digit] = Self.hexDigits[Int((word >> (60 - 4 * UInt64(digit))) & 0xF)] }
            }
            return 64
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Fills `%d` (a number), `%h` (4 hex digits), `%n` (a large number) and `%g` (a GUID).
    private mutating func expand(_ format: String) -> String {
        var result = ""
        var iterator = format.makeIterator()
        while let character = iterator.next() {
            guard character == "%", let code = iterator.next() else { result.append(character); continue }
            switch code {
            case "d": result += String(int(1000...9999))
            case "h": result += String(int(0x1000...0xFFFF), radix: 16)
            case "n": result += String(int(100_000_000...999_999_999))
            default: result += "\(hash().prefix(8))-\(hash().prefix(4))-\(hash().prefix(4))-\(hash().prefix(12))".uppercased()
            }
        }
        return result
    }
}
