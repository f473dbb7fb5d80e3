import Foundation
import RingfenceTestSupport
import Testing
@testable import RingfenceContent

@Suite(.timeLimit(.minutes(10))) struct ChannelFileTests {
    @Test func compileParseInspectRoundTrip() throws {
        let draft = try ChannelSource.compile("\(Fixtures.content)/ipc-update-291.yaml")
        let bytes = draft.encoded()
        let file = try ChannelFile(parsing: bytes)
        #expect(file.header.channel == 291)
        #expect(file.header.templateType == .ipc)
        #expect(file.header.declaredFieldCount == 21)
        #expect(file.header.checksum == .crc32c)
        #expect(file.header.contentVersion == 2)
        #expect(file.instances.count == 17)
        #expect(file.instances.map(\.id) == Array(101...117))
        // Lifting back to a draft and re-encoding gives the same bytes.
        #expect(ChannelDraft(file).encoded() == bytes)

        let inspection = ChannelInspection(file, file: "update.chan")
        let instance116 = try #require(inspection.instances.first { $0.id == 116 })
        #expect(instance116.criteria.map(\.field) == [1, 21])
        #expect(instance116.criteria.last?.supplied == false)
        #expect(instance116.criteria.last?.expression == "'remote'")
        #expect(inspection.text.contains("field 21 field21: 'remote'  <-- the sensor does not supply this field"))
        let json = try JSONDecoder().decode(ChannelInspection.self, from: JSONEncoder().encode(inspection))
        #expect(json == inspection)
    }

    @Test func baselineLeavesField21AWildcard() throws {
        let file = try Fixtures.baseline
        #expect(file.header.declaredFieldCount == 21)
        #expect(file.instances.count == 15)
        #expect(file.instances.allSatisfy { $0.isWildcard(field: 20) })
    }

    @Test func crc32cKnownAnswer() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test(arguments: ChannelChecksum.allCases)
    func everyTrailerVerifies(_ checksum: ChannelChecksum) throws {
        var draft = try ChannelSource.compile("\(Fixtures.content)/ipc-baseline.yaml")
        draft.checksum = checksum
        var bytes = draft.encoded()
        #expect(try ChannelFile(parsing: bytes).header.checksum == checksum)
        guard checksum != .none else { return }
        bytes[ChannelHeader.size + 40] ^= 0x01
        #expect(throws: ChannelFileError(offset: bytes.count - checksum.trailerLength, field: "trailer",
                                         reason: .checksumMismatch(checksum))) {
            try ChannelFile(parsing: bytes)
        }
    }

    @Test func errorsNameTheOffsetAndField() throws {
        let good = try Fixtures.compiled("ipc-baseline.yaml")

        var badMagic = good
        badMagic[0] = 0x58
        let magicError = try #require(parseError(badMagic))
        #expect(magicError.offset == 0)
        #expect(magicError.field == "header.magic")

        let short = Array(good.prefix(20))
        #expect(parseError(short)?.reason == .truncated(needed: 32, available: 20))

        var wrongVersion = good
        wrongVersion[4] = 9
        #expect(parseError(wrongVersion)?.reason == .unsupportedVersion(9))

        let truncated = Array(good.dropLast(10))
        let lengthError = try #require(parseError(truncated))
        #expect(lengthError.field == "header.bodyLength")
        #expect(lengthError.offset == 20)
        #expect(lengthError.description.contains("offset 20 (header.bodyLength)"))
    }

    @Test func hugeCountsAreRefusedBeforeAllocation() throws {
        var draft = try ChannelSource.compile("\(Fixtures.content)/ipc-baseline.yaml")
        draft.checksum = .none
        var bytes = draft.encoded()
        bytes.patchLittleEndian(UInt32.max, at: 16)  // instance count
        #expect(parseError(bytes)?.field == "header.instanceCount")
        // A node count of four billion in the first instance.
        bytes = draft.encoded()
        bytes.patchLittleEndian(UInt32(0xFFFF_FFF0), at: ChannelHeader.size + 12)
        let error = try #require(parseError(bytes))
        #expect(error.field == "instance[0].nodeCount")
        #expect(error.offset == ChannelHeader.size + 12)
    }

    @Test func fileNameFollowsTheRealConvention() throws {
        #expect(try Fixtures.update291.header.fileName == "C-00000291-00000001-00000002.chan")
    }

    private func parseError(_ bytes: [UInt8]) -> ChannelFileError? {
        do { _ = try ChannelFile(parsing: bytes); return nil } catch { return error }
    }
}
