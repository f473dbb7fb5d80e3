import RingfenceContent
import RingfenceSensor

/// The kernel's telemetry on the simulated clock: a seeded stream of events,
/// cut into batches.
///
/// Event `i` of a boot happens at `bootAt + i / rate` seconds (in whole
/// microseconds), so how many events fall before any simulated time is a
/// pure function of the rate: the machine's speed never changes it. A batch
/// covers at most ``span`` of simulated time, never crosses the stop the host
/// asks for (an update, a restart, the end of the boot), and is cut early, at
/// an event boundary, when it would not fit a ring slot (``EventRingLayout``):
/// a high rate makes more batches, never a dropped one. A stretch without
/// events is one empty batch, however long.
///
/// Each distinct sensor (a `supplies:` setting) gets the same events encoded
/// with its own field list; the cut is the same for all of them.
struct EventPump {
    /// Simulated time one batch covers at most.
    static let span = SimulatedTime.milliseconds(10)

    let start: SimulatedTime
    let rate: Int
    let layout: EventRingLayout
    private var streams: [EventQueue]
    /// Events handed out so far: the index of the next one.
    private(set) var produced = 0

    init(seed: UInt64, start: SimulatedTime, events: EventSettings, sensors: [SensorTemplates], layout: EventRingLayout = .standard) {
        self.start = start
        self.rate = events.rate
        self.layout = layout
        streams = sensors.map { EventQueue(TelemetryGenerator(seed: seed, mix: events.eventMix, sensor: $0)) }
    }

    /// When event `index` of this boot happens.
    func time(ofEvent index: Int) -> SimulatedTime {
        start + .microseconds(Int64(index) * 1_000_000 / Int64(rate))
    }

    /// How many events of this boot happen before `time`.
    func events(before time: SimulatedTime) -> Int {
        let elapsed = max(0, (time - start).microseconds)
        return Int((elapsed * Int64(rate) + 999_999) / 1_000_000)
    }

    /// The events from `clock` on, up to `stop` at most. A stretch with no
    /// event in it ends where the next event happens (or at `stop`): at a low
    /// rate the clock jumps over the quiet, it does not tick through it.
    mutating func next(from clock: SimulatedTime, until stop: SimulatedTime) -> PumpedBatch {
        var end = min(stop, clock + Self.span)
        let wanted = events(before: end) - produced
        if wanted == 0 {
            return PumpedBatch(start: clock, end: min(stop, max(end, time(ofEvent: produced))), count: 0,
                               encodings: streams.map { _ in EventBatch() }, malicious: [])
        }
        var count = min(wanted, layout.maxEvents)
        for index in streams.indices {
            streams[index].fill(to: count)
            count = min(count, streams[index].fitting(count, bytes: layout.eventBytes))
        }
        if count < wanted { end = time(ofEvent: produced + count) }
        let malicious = streams.first?.malicious(count) ?? []
        let encodings = streams.indices.map { streams[$0].take(count) }
        produced += count
        return PumpedBatch(start: clock, end: end, count: count, encodings: encodings, malicious: malicious)
    }

    /// Generates the events of the next ``span`` ahead, while agents are busy with the current batch.
    mutating func prefetch(from clock: SimulatedTime) {
        let count = min(events(before: clock + Self.span) - produced, layout.maxEvents)
        for index in streams.indices { streams[index].fill(to: count) }
    }
}

/// One batch: the same events, once per sensor encoding.
struct PumpedBatch {
    let start: SimulatedTime
    let end: SimulatedTime
    let count: Int
    /// One per distinct sensor, in the order the pump was given them.
    let encodings: [EventBatch]
    /// Ground truth, event by event.
    let malicious: [Bool]

    var maliciousCount: Int { malicious.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Events generated ahead of use for one sensor encoding.
private struct EventQueue {
    var generator: TelemetryGenerator
    var batch = EventBatch()
    /// Byte offset just past each queued event.
    var ends: [Int] = []

    init(_ generator: TelemetryGenerator) { self.generator = generator }

    mutating func fill(to count: Int) {
        while ends.count < count {
            generator.appendEvent(to: &batch)
            ends.append(batch.bytes.count)
        }
    }

    /// How many of the first `count` queued events fit in `bytes` (at least one).
    func fitting(_ count: Int, bytes: Int) -> Int {
        guard count > 0, ends[count - 1] > bytes else { return count }
        var fitting = 0
        while fitting < count && ends[fitting] <= bytes { fitting += 1 }
        return max(1, fitting)
    }

    func malicious(_ count: Int) -> [Bool] {
        batch.bytes.withUnsafeBytes { raw in
            (0..<count).map { index in raw[(index == 0 ? 0 : ends[index - 1]) + EventView.maliciousOffset] & 1 != 0 }
        }
    }

    /// Removes the first `count` events and returns them as a batch.
    mutating func take(_ count: Int) -> EventBatch {
        guard count > 0 else { return EventBatch() }
        let cut = ends[count - 1]
        if count == ends.count {
            defer {
                batch = EventBatch(reservingCapacity: cut)
                ends.removeAll(keepingCapacity: true)
            }
            return batch
        }
        let taken = EventBatch(encoded: Array(batch.bytes[..<cut]), count: count)
        batch = EventBatch(encoded: Array(batch.bytes[cut...]), count: ends.count - count)
        ends = ends[count...].map { $0 - cut }
        return taken
    }
}
