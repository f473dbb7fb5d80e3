import RingfenceTestSupport
import Testing
@testable import RingfenceHost

@Suite(.timeLimit(.minutes(10))) struct AgentFrameTests {
    func decode(_ bytes: [UInt8], limit: Int = AgentFrame.maxAgentPayload) -> Result<[AgentFrame], AgentProtocolError> {
        var decoder = FrameDecoder(maxPayload: limit)
        bytes.withUnsafeBytes { decoder.append($0) }
        var frames: [AgentFrame] = []
        do {
            while let frame = try decoder.next() { frames.append(frame) }
            return .success(frames)
        } catch {
            return .failure(error)
        }
    }

    @Test func roundTripAndPartialFrames() throws {
        let frames = [AgentFrame(.heartbeat), AgentFrame(.verdicts, value: 7, payload: AgentFrame.words([2, 100]))]
        let bytes = frames.flatMap(\.encoded)
        #expect(try decode(bytes).get() == frames)
        var decoder = FrameDecoder(maxPayload: 64)
        bytes.prefix(20).withUnsafeBytes { decoder.append($0) }
        #expect(try decoder.next() == frames[0])
        #expect(try decoder.next() == nil)  // the second frame is not complete yet
        bytes.dropFirst(20).withUnsafeBytes { decoder.append($0) }
        #expect(try decoder.next()?.word(1) == 100)
    }

    @Test func garbageAndOversizedFramesAreErrors() {
        #expect(decode([UInt8](repeating: 0xA5, count: 32)) == .failure(.badMagic(0xA5A5_A5A5)))
        var oversized = AgentFrame(.heartbeat).encoded
        oversized.replaceSubrange(8..<12, with: AgentFrame.words([1 << 30]))
        #expect(decode(oversized) == .failure(.oversized(1 << 30, limit: AgentFrame.maxAgentPayload)))
        var unknown = AgentFrame(.heartbeat).encoded
        unknown.replaceSubrange(4..<8, with: AgentFrame.words([999]))
        #expect(decode(unknown) == .failure(.unknownKind(999)))
    }
}
