/// Applies a catalog fault to a valid channel file.
///
/// Content-level faults (a bad criterion) parse the file, edit the draft and
/// re-encode it with a fresh trailer: the content pipeline signs what it builds.
/// Byte-level faults edit the bytes directly and leave the trailer alone unless
/// the fault is about a builder bug (`bad-length`).
public struct FaultInjector: Sendable {
    public let sensor: SensorTemplates

    public init(sensor: SensorTemplates = .builtIn) { self.sensor = sensor }

    public enum Failure: Error, CustomStringConvertible {
        case sourceInvalid(ChannelFileError)
        case optionOutOfRange(String)

        public var description: String {
            switch self {
            case .sourceInvalid(let error): "the input is not a valid channel file: \(error)"
            case .optionOutOfRange(let message): message
            }
        }
    }

    public func apply(_ fault: Fault, to bytes: [UInt8], options: FaultOptions = FaultOptions(), seed: UInt64) throws(Failure) -> [UInt8] {
        var random = SeededGenerator(seed: seed).derived(fault.rawValue)
        switch fault {
        case .truncated:
            guard bytes.count > 1 else { return [] }
            return Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &random)))
        case .zeroed:
            return [UInt8](repeating: 0, count: bytes.count)
        case .bitFlip:
            guard !bytes.isEmpty, options.bits >= 1 else { throw .optionOutOfRange("bit-flip needs bits >= 1") }
            var flipped = bytes
            for _ in 0..<options.bits {
                let bit = Int.random(in: 0..<(bytes.count * 8), using: &random)
                flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            }
            return flipped
        case .badLength:
            return try badLength(bytes, random: &random)
        case .fieldCountMismatch, .wildcardMasked, .deepNesting, .regexBomb, .oversized, .loop, .forbiddenAction, .wildWrite:
            var draft = try draft(of: bytes)
            try edit(&draft, fault: fault, options: options)
            return draft.encoded()
        }
    }

    private func draft(of bytes: [UInt8]) throws(Failure) -> ChannelDraft {
        do { return ChannelDraft(try ChannelFile(parsing: bytes)) } catch { throw .sourceInvalid(error) }
    }

    // MARK: - Content faults

    private func edit(_ draft: inout ChannelDraft, fault: Fault, options: FaultOptions) throws(Failure) {
        if fault == .fieldCountMismatch || fault == .wildcardMasked {
            guard (1...255).contains(options.field) else { throw .optionOutOfRange("field must be 1...255") }
            draft.widen(toFieldCount: options.field)
        }
        let nextID = (draft.instances.map(\.id).max() ?? 0) &+ 1
        var instance = InstanceDraft(id: nextID, action: .alert,
                                     criteria: [Criterion](repeating: .wildcard, count: draft.declaredFieldCount))
        switch fault {
        case .fieldCountMismatch:
            // The instance's only criterion is the field-21 one, so the very
            // first event of this type makes the interpreter read it.
            instance.setCriterion(.literal(options.value, caseInsensitive: false), field: options.field - 1)
        case .wildcardMasked:
            // A criterion on field 1; field 21 is declared but stays "*", never read.
            instance.setCriterion(.literal(options.value, caseInsensitive: false), field: 0)
        case .deepNesting:
            guard options.depth >= 1 else { throw .optionOutOfRange("depth must be >= 1") }
            instance.criteria[0] = Self.appendNotChain(depth: options.depth, to: &instance)
        case .regexBomb:
            let type = sensor.type(draft.templateType)
            let field = type.flatMap { type in type.fields.firstIndex { $0.hasSuffix("sha256") } } ?? 0
            // `([0-9a-f]+)+` can split a 64-digit hash in 2^63 ways before `z` fails.
            instance.setCriterion(.regex("^([0-9a-f]+)+z$", caseInsensitive: false), field: field)
        case .oversized:
            let n = options.repetition
            instance.setCriterion(.regex("((a{\(n)}){\(n)}){\(n)}", caseInsensitive: false), field: 0)
        case .loop:
            // any(a, b) where b's next link points back at a: neither matches, so the walk goes round for ever.
            let any = instance.append(.any([.literal("loop-a", caseInsensitive: false), .literal("loop-b", caseInsensitive: false)]))
            let first = instance.nodes[Int(any)].child
            let second = instance.nodes[Int(first)].next
            instance.nodes[Int(second)].next = first
            instance.criteria[0] = any
        case .forbiddenAction:
            // Every event of the type matches, and the action opens the image file the event names.
            instance.action = .collectFile
            instance.setCriterion(.regex(".", caseInsensitive: false), field: actionField(draft.templateType, suffix: "image"))
        case .wildWrite:
            // Every event matches, and the action copies its command line (longer than 64 bytes, often) into the buffer.
            instance.action = .captureField
            instance.setCriterion(.regex(".{65,}", caseInsensitive: false), field: actionField(draft.templateType, suffix: "command_line"))
        default:
            break
        }
        draft.instances.append(instance)
    }

    /// The first field of `type` whose name ends in `suffix` (field 1 if none).
    private func actionField(_ type: TemplateTypeID, suffix: String) -> Int {
        sensor.type(type)?.fields.firstIndex { $0.hasSuffix(suffix) } ?? 0
    }

    /// `not(not(...(literal)))`, built as nodes directly: no recursion, any depth.
    static func appendNotChain(depth: Int, to instance: inout InstanceDraft) -> UInt32 {
        let first = UInt32(instance.nodes.count)
        for level in 0..<depth {
            let index = instance.appendNode(.not)
            instance.nodes[Int(index)].child = first + UInt32(level) + 1
        }
        // An even chain of `not` matches what the literal matches.
        _ = instance.appendNode(.literal, payload: Array("deep-nesting".utf8))
        return first
    }

    // MARK: - Byte faults

    /// Points one length field (the body, an instance or a payload, chosen by
    /// the seed) far past the end, then re-signs the file.
    private func badLength(_ bytes: [UInt8], random: inout SeededGenerator) throws(Failure) -> [UInt8] {
        let file: ChannelFile
        do { file = try ChannelFile(parsing: bytes) } catch { throw .sourceInvalid(error) }
        var offsets = [20]  // header.bodyLength
        offsets += file.instances.map(\.offset)
        for instance in file.instances {
            offsets += instance.nodes.filter { $0.kind.hasPayload }.map { $0.payloadOffset - 4 }
        }
        let target = offsets.randomElement(using: &random) ?? 20
        var broken = bytes
        broken.patchLittleEndian(UInt32(0x7FFF_FFF0), at: target)
        let covered = broken.count - file.header.checksum.trailerLength
        let trailer = file.header.checksum.trailer(for: broken[0..<covered])
        broken.replaceSubrange(covered..., with: trailer)
        return broken
    }
}
