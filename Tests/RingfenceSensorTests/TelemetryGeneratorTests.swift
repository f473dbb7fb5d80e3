import RingfenceContent
import RingfenceTestSupport
import Testing
@testable import RingfenceSensor

@Suite(.timeLimit(.minutes(10))) struct TelemetryGeneratorTests {
    @Test func sameSeedSameBytes() {
        var first = TelemetryGenerator(seed: 291)
        var second = TelemetryGenerator(seed: 291)
        var third = TelemetryGenerator(seed: 292)
        let a = first.batch(2_000), b = second.batch(2_000), c = third.batch(2_000)
        #expect(a.bytes == b.bytes)
        #expect(a.bytes != c.bytes)
        #expect(a.count == 2_000)
    }

    @Test func everyEventCarriesTheFieldsTheSensorSupplies() {
        var generator = TelemetryGenerator(seed: 1)
        let batch = generator.batch(5_000)
        var perType: [TemplateTypeID: Int] = [:]
        var malicious = 0
        batch.forEach { event in
            perType[event.type, default: 0] += 1
            if event.malicious { malicious += 1 }
            #expect(event.fieldCount == SensorTemplates.builtIn.suppliedFieldCount(event.type))
        }
        #expect(perType.values.reduce(0, +) == 5_000)
        #expect(perType[.ipc]! > perType[.process]!)
        #expect(perType[.process]! > perType[.file]!)
        #expect(perType[.file]! > perType[.network]!)
        #expect((20...90).contains(malicious), "about 1% of 5,000 should be malicious, got \(malicious)")
    }

    @Test func fieldsAreRealisticAndNamed() throws {
        var generator = TelemetryGenerator(seed: 3, mix: .ipcOnly)
        let batch = generator.batch(50)
        var names: [String] = []
        batch.forEach { event in names.append(event.text(0) ?? "") }
        #expect(names.allSatisfy { $0.hasPrefix("\\\\.\\pipe\\") })
        batch.forEach { event in #expect(event.text(9)?.count == 64) }  // client_image_sha256
    }

    @Test func aSensorSupplyingMoreFieldsGetsThem() {
        let sensor = SensorTemplates.builtIn.supplying([.ipc: 21])
        var generator = TelemetryGenerator(seed: 1, mix: .ipcOnly, sensor: sensor)
        generator.batch(10).forEach { event in
            #expect(event.fieldCount == 21)
            #expect(event.text(20) == "")
        }
    }

    @Test func readerRefusesMalformedBatches() {
        var generator = TelemetryGenerator(seed: 1)
        var bytes = generator.batch(3).bytes
        bytes[0] = 0xFF  // first event's length no longer fits
        bytes.withUnsafeBytes { raw in
            var reader = EventReader(raw)
            #expect(throws: EventReader.Failure.malformed(offset: 0)) { try reader.next() }
        }
        let truncated = Array(generator.batch(1).bytes.prefix(10))
        truncated.withUnsafeBytes { raw in
            var reader = EventReader(raw)
            #expect(throws: EventReader.Failure.malformed(offset: 0)) { try reader.next() }
        }
    }
}
