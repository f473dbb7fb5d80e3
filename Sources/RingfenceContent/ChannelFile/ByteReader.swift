/// A cursor over untrusted bytes whose every read is bounds-checked and throws
/// a ``ChannelFileError`` naming the field and its offset instead of trapping.
///
/// Field names are autoclosures: they are only built when a read fails, which
/// keeps the hot path of the parser free of string formatting.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }

    func require(_ count: Int, for field: @autoclosure () -> String) throws(ChannelFileError) {
        guard count <= remaining else {
            throw ChannelFileError(offset: offset, field: field(), reason: .truncated(needed: count, available: max(0, remaining)))
        }
    }

    mutating func u8(_ field: @autoclosure () -> String) throws(ChannelFileError) -> UInt8 {
        try require(1, for: field())
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ field: @autoclosure () -> String) throws(ChannelFileError) -> UInt16 {
        try require(2, for: field())
        defer { offset += 2 }
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    mutating func u32(_ field: @autoclosure () -> String) throws(ChannelFileError) -> UInt32 {
        try require(4, for: field())
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func u64(_ field: @autoclosure () -> String) throws(ChannelFileError) -> UInt64 {
        try require(8, for: field())
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func skip(_ count: Int, _ field: @autoclosure () -> String) throws(ChannelFileError) {
        try require(count, for: field())
        offset += count
    }
}
