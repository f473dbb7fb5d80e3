import Foundation
import RingfenceContent
import RingfenceHost

/// Facts about one update of a scenario that reports need: its fault and
/// where in the content it sits (for crash signatures).
public struct UpdateFacts: Sendable, Codable, Hashable {
    public var number: Int
    public var fault: String?
    public var templateType: String?
    public var field: Int?
    public var digest: String
}

extension Scenario {
    /// Compiles the scenario's content and applies its faults: the trial the lab runs.
    /// Every fault is seeded from the scenario's seed and the update's position.
    /// `sources` may hold rules files already compiled in this run.
    public func trial(sources: CompiledSources = CompiledSources()) throws -> (settings: TrialSettings, updates: [UpdateFacts]) {
        let definitions = try templates.map { path throws(YAMLSourceError) in try TemplateDefinitions.load(path) }
        let baselineBytes = try baseline.map(sources.channelBytes)
        var scheduled: [ScheduledUpdate] = []
        var facts: [UpdateFacts] = []
        for (index, update) in updates.enumerated() {
            var bytes = try sources.channelBytes(update.content)
            let channel = (try? ChannelFile(parsing: bytes))?.header.channel ?? 0
            if let fault = update.fault {
                do {
                    bytes = try FaultInjector().apply(fault, to: bytes, options: update.options, seed: seed &+ UInt64(index))
                } catch {
                    throw ScenarioError(message: "\(file): updates[\(index)]: \(update.content): \(error)")
                }
            }
            let type = (try? ChannelFile(parsing: bytes)).flatMap { SensorTemplates.builtIn.type($0.header.templateType)?.name }
            scheduled.append(ScheduledUpdate(at: update.at, channel: channel, bytes: bytes, label: (update.content as NSString).lastPathComponent,
                                             fault: update.fault))
            let field: Int? = update.fault == .fieldCountMismatch || update.fault == .wildcardMasked ? update.options.field : nil
            facts.append(UpdateFacts(number: index + 1, fault: update.fault?.rawValue, templateType: type, field: field,
                                     digest: ContentDigest.sha256Hex(bytes)))
        }
        let settings = TrialSettings(name: name, seed: seed, host: host, boot: boot, validator: validator, definitions: definitions,
                                     agents: agents, baseline: baselineBytes, updates: scheduled)
        return (settings, facts)
    }
}
