/// The hardened channel-file parser.
///
/// It treats the file as hostile: every count is checked against the bytes that
/// remain *before* anything is allocated for it, every index against its table,
/// and every failure becomes a ``ChannelFileError`` with an offset. It is
/// iterative throughout, so no input can exhaust its stack. Semantic checks
/// (fields the sensor does not supply, cycles, depth, regex hazards) are left
/// to ``ContentValidator`` and the interpreters.
struct ChannelParser {
    static let instanceHeaderSize = 16
    static let nodeHeaderSize = 12

    let bytes: [UInt8]
    let limits: ChannelLimits

    func parse() throws(ChannelFileError) -> ChannelFile {
        guard bytes.count <= limits.maxFileSize else {
            throw ChannelFileError(offset: 0, field: "file", reason: .limitExceeded(value: bytes.count, limit: limits.maxFileSize))
        }
        // Typed throws do not yet pass through `withUnsafeBytes`, so the closure
        // returns a Result.
        let result: Result<ChannelFile, ChannelFileError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ChannelFileError) -> ChannelFile in try parse(raw) }
        }
        return try result.get()
    }

    // MARK: - Header and trailer

    private func parse(_ raw: UnsafeRawBufferPointer) throws(ChannelFileError) -> ChannelFile {
        var reader = ByteReader(raw)
        try reader.require(ChannelHeader.size, for: "header")
        let magic = Array(raw[0..<4])
        guard magic == ChannelHeader.magic else {
            throw ChannelFileError(offset: 0, field: "header.magic", reason: .badMagic(magic))
        }
        try reader.skip(4, "header.magic")
        let version = try reader.u16("header.formatVersion")
        guard version == ChannelHeader.currentVersion else {
            throw ChannelFileError(offset: 4, field: "header.formatVersion", reason: .unsupportedVersion(version))
        }
        let flags = try reader.u16("header.flags")
        guard flags & ~ChannelHeader.checksumMask == 0,
              let checksum = ChannelChecksum(rawValue: flags & ChannelHeader.checksumMask) else {
            throw ChannelFileError(offset: 6, field: "header.flags", reason: .reservedBitsSet(flags))
        }
        let channel = try reader.u32("header.channel")
        let templateType = TemplateTypeID(rawValue: try reader.u16("header.templateType"))
        let declared = try reader.u16("header.declaredFieldCount")
        guard declared <= ChannelLimits.maxFields else {
            throw ChannelFileError(offset: 14, field: "header.declaredFieldCount",
                                   reason: .limitExceeded(value: Int(declared), limit: Int(ChannelLimits.maxFields)))
        }
        let instanceCount = try reader.u32("header.instanceCount")
        let bodyLength = try reader.u32("header.bodyLength")
        let contentVersion = try reader.u64("header.contentVersion")

        let actualBody = raw.count - ChannelHeader.size - checksum.trailerLength
        guard Int(bodyLength) == actualBody else {
            throw ChannelFileError(offset: 20, field: "header.bodyLength",
                                   reason: .lengthMismatch(declared: Int(bodyLength), actual: max(0, actualBody)))
        }
        try verifyTrailer(raw, checksum: checksum)

        let header = ChannelHeader(formatVersion: version, checksum: checksum, channel: channel, templateType: templateType,
                                   declaredFieldCount: declared, instanceCount: instanceCount,
                                   bodyLength: bodyLength, contentVersion: contentVersion)
        let instances = try parseBody(raw, header: header)
        return ChannelFile(header: header, instances: instances, bytes: bytes)
    }

    private func verifyTrailer(_ raw: UnsafeRawBufferPointer, checksum: ChannelChecksum) throws(ChannelFileError) {
        guard checksum != .none else { return }
        let covered = raw.count - checksum.trailerLength
        let expected = checksum.trailer(for: bytes[0..<covered])
        guard expected.elementsEqual(raw[covered...]) else {
            throw ChannelFileError(offset: covered, field: "trailer", reason: .checksumMismatch(checksum))
        }
    }

    // MARK: - Instances

    private func parseBody(_ raw: UnsafeRawBufferPointer, header: ChannelHeader) throws(ChannelFileError) -> [TemplateInstance] {
        let bodyEnd = ChannelHeader.size + Int(header.bodyLength)
        let count = Int(header.instanceCount)
        guard count <= limits.maxInstances else {
            throw ChannelFileError(offset: 16, field: "header.instanceCount", reason: .limitExceeded(value: count, limit: limits.maxInstances))
        }
        guard count * Self.instanceHeaderSize <= Int(header.bodyLength) else {
            throw ChannelFileError(offset: 16, field: "header.instanceCount",
                                   reason: .countExceedsData(count: count, needed: count * Self.instanceHeaderSize, available: Int(header.bodyLength)))
        }
        var instances: [TemplateInstance] = []
        instances.reserveCapacity(count)
        var offset = ChannelHeader.size
        for index in 0..<count {
            var reader = ByteReader(raw, offset: offset, end: bodyEnd)
            let length = Int(try reader.u32("instance[\(index)].length"))
            guard length >= Self.instanceHeaderSize, length <= bodyEnd - offset else {
                throw ChannelFileError(offset: offset, field: "instance[\(index)].length",
                                       reason: .lengthMismatch(declared: length, actual: bodyEnd - offset))
            }
            instances.append(try parseInstance(raw, at: offset, end: offset + length, index: index,
                                               declaredFields: Int(header.declaredFieldCount)))
            offset += length
        }
        guard offset == bodyEnd else {
            throw ChannelFileError(offset: offset, field: "body", reason: .trailingBytes(bodyEnd - offset))
        }
        return instances
    }

    private func parseInstance(_ raw: UnsafeRawBufferPointer, at start: Int, end: Int, index: Int,
                               declaredFields: Int) throws(ChannelFileError) -> TemplateInstance {
        var name: String { "instance[\(index)]" }
        var reader = ByteReader(raw, offset: start + 4, end: end)
        let id = try reader.u32("\(name).id")
        let actionOffset = reader.offset
        let rawAction = try reader.u8("\(name).action")
        guard let action = RuleAction(rawValue: rawAction) else {
            throw ChannelFileError(offset: actionOffset, field: "\(name).action", reason: .unknownAction(rawAction))
        }
        let reservedOffset = reader.offset
        let reserved = try reader.u8("\(name).reserved")
        guard reserved == 0 else {
            throw ChannelFileError(offset: reservedOffset, field: "\(name).reserved", reason: .reservedBitsSet(UInt16(reserved)))
        }
        let criterionCount = Int(try reader.u16("\(name).criterionCount"))
        guard criterionCount == declaredFields else {
            throw ChannelFileError(offset: start + 10, field: "\(name).criterionCount",
                                   reason: .criterionCountMismatch(declared: declaredFields, found: criterionCount))
        }
        let nodeCount = Int(try reader.u32("\(name).nodeCount"))
        guard nodeCount <= limits.maxNodesPerInstance else {
            throw ChannelFileError(offset: start + 12, field: "\(name).nodeCount",
                                   reason: .limitExceeded(value: nodeCount, limit: limits.maxNodesPerInstance))
        }
        let needed = criterionCount * 4 + nodeCount * Self.nodeHeaderSize
        guard needed <= reader.remaining else {
            throw ChannelFileError(offset: start + 12, field: "\(name).nodeCount",
                                   reason: .countExceedsData(count: nodeCount, needed: needed, available: reader.remaining))
        }
        var criteria: [UInt32] = []
        criteria.reserveCapacity(criterionCount)
        for field in 0..<criterionCount {
            let rootOffset = reader.offset
            let root = try reader.u32("\(name).criterion[\(field)]")
            guard Int(root) < nodeCount else {
                throw ChannelFileError(offset: rootOffset, field: "\(name).criterion[\(field)]",
                                       reason: .indexOutOfRange(index: root, count: nodeCount))
            }
            criteria.append(root)
        }
        var nodes: [CriterionNode] = []
        nodes.reserveCapacity(nodeCount)
        for node in 0..<nodeCount {
            nodes.append(try parseNode(&reader, instance: index, node: node, nodeCount: nodeCount))
        }
        guard reader.remaining == 0 else {
            throw ChannelFileError(offset: reader.offset, field: name, reason: .trailingBytes(reader.remaining))
        }
        return TemplateInstance(id: id, action: action, offset: start, criteria: criteria, nodes: nodes)
    }

    // MARK: - Criterion nodes

    private func parseNode(_ reader: inout ByteReader, instance: Int, node: Int, nodeCount: Int) throws(ChannelFileError) -> CriterionNode {
        var name: String { "instance[\(instance)].node[\(node)]" }
        let start = reader.offset
        let rawKind = try reader.u8("\(name).kind")
        guard let kind = CriterionNode.Kind(rawValue: rawKind) else {
            throw ChannelFileError(offset: start, field: "\(name).kind", reason: .unknownNodeKind(rawKind))
        }
        let flags = try reader.u8("\(name).flags")
        let reserved = try reader.u16("\(name).reserved")
        guard flags & ~CriterionNode.caseInsensitiveFlag == 0, reserved == 0 else {
            throw ChannelFileError(offset: start + 1, field: "\(name).flags", reason: .reservedBitsSet(UInt16(flags) | reserved << 8))
        }
        let next = try reader.u32("\(name).next")
        try checkIndex(next, at: start + 4, field: "\(name).next", nodeCount: nodeCount)
        let operand = try reader.u32("\(name).operand")
        var child = CriterionNode.none
        var payloadOffset = 0, payloadLength = 0
        switch kind {
        case .literal, .regex:
            payloadOffset = reader.offset
            payloadLength = Int(operand)
            try reader.skip(payloadLength, "\(name).payload")
        case .all, .any, .not:
            try checkIndex(operand, at: start + 8, field: "\(name).child", nodeCount: nodeCount)
            if kind == .not && operand == CriterionNode.none {
                throw ChannelFileError(offset: start + 8, field: "\(name).child", reason: .indexOutOfRange(index: operand, count: nodeCount))
            }
            child = operand
        case .wildcard:
            guard operand == 0 else {
                throw ChannelFileError(offset: start + 8, field: "\(name).operand", reason: .reservedBitsSet(UInt16(truncatingIfNeeded: operand)))
            }
        }
        return CriterionNode(kind: kind, flags: flags, next: next, child: child,
                             payloadOffset: payloadOffset, payloadLength: payloadLength)
    }

    private func checkIndex(_ index: UInt32, at offset: Int, field: @autoclosure () -> String, nodeCount: Int) throws(ChannelFileError) {
        guard index == CriterionNode.none || Int(index) < nodeCount else {
            throw ChannelFileError(offset: offset, field: field(), reason: .indexOutOfRange(index: index, count: nodeCount))
        }
    }
}
