import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSensor

/// Builds the July 19 trial from the content sources: the standard baseline
/// channels on disk, and the channel 291 update (or a faulted copy of it)
/// pushed by the cloud. The building block of `ringfence host run` and the demo.
public struct July19Trial {
    public var contentDirectory: String
    public var profile: String
    public var isolation: Isolation = .kernel
    public var interpreter: InterpreterKind = .unsafe
    public var updateSource: String?
    public var fault: Fault?
    public var updateAt = 0.2
    public var duration = 1.0
    public var eventRate = 20_000
    public var validator: ValidatorMode = .buggy
    public var boot = BootSettings(maxBoots: 4, recovery: .safeMode)
    public var failMode: FailMode = .open
    public var seed: UInt64 = 291

    public init(contentDirectory: String, profile: String) {
        self.contentDirectory = contentDirectory
        self.profile = profile
    }

    public func settings(name: String) throws -> TrialSettings {
        let baseline = try StandardRuleSet.channels(contentDirectory: contentDirectory).map(\.bytes)
        let source = updateSource ?? "\(contentDirectory)/ipc-update-291.yaml"
        var bytes: [UInt8] = source.hasSuffix(".chan")
            ? [UInt8](FileManager.default.contents(atPath: source) ?? Data())
            : try ChannelSource.compile(source).encoded()
        let channel = (try? ChannelFile(parsing: bytes))?.header.channel ?? 291
        if let fault { bytes = try FaultInjector().apply(fault, to: bytes, seed: seed) }
        let fix = baseline.first { (try? ChannelFile(parsing: $0))?.header.channel == channel }
        let agent = AgentConfiguration(name: "sensor", isolation: isolation, interpreter: interpreter, profile: profile, failMode: failMode)
        return TrialSettings(
            name: name, seed: seed, duration: duration, eventRate: eventRate, boot: boot, validator: validator,
            definitions: try? TemplateDefinitions.load("\(contentDirectory)/templates.yaml"), agents: [agent], baseline: baseline,
            updates: [ScheduledUpdate(at: updateAt, channel: channel, bytes: bytes, label: (source as NSString).lastPathComponent,
                                      fault: fault?.rawValue ?? "field-count-mismatch", fix: fix)])
    }
}
