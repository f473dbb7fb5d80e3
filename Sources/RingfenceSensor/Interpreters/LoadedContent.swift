import RingfenceContent

/// The channels an interpreter has loaded, indexed by template type for the
/// hot path (an array lookup per event rather than a dictionary walk).
struct LoadedContent {
    private(set) var channels: [UInt32: (type: TemplateTypeID, instances: [CompiledInstance])] = [:]
    private(set) var byType: [[CompiledInstance]] = []

    /// Compiles every instance of `file` and replaces that channel, failing the
    /// whole channel on the first instance that cannot be compiled: what an
    /// interpreter that trusts its content does.
    mutating func loadTrusting(_ file: ChannelFile, regexLimits: RegexLimits) throws(ContentLoadError) -> LoadReport {
        var instances: [CompiledInstance] = []
        instances.reserveCapacity(file.instances.count)
        for instance in file.instances {
            do {
                instances.append(try CompiledInstance(instance, in: file, regexLimits: regexLimits))
            } catch {
                throw ContentLoadError(channel: file.header.channel, instance: instance.id, message: "regex does not compile: \(error)")
            }
        }
        replace(channel: file.header.channel, type: file.header.templateType, instances: instances)
        return LoadReport(channel: file.header.channel, instancesLoaded: instances.count, disabled: [])
    }

    mutating func replace(channel: UInt32, type: TemplateTypeID, instances: [CompiledInstance]) {
        channels[channel] = (type, instances)
        rebuild()
    }

    mutating func remove(channel: UInt32) {
        channels[channel] = nil
        rebuild()
    }

    /// Removes one instance (the resilient interpreter disabling it at run time).
    mutating func remove(instance id: UInt32, channel: UInt32) {
        guard let entry = channels[channel] else { return }
        channels[channel] = (entry.type, entry.instances.filter { $0.id != id })
        rebuild()
    }

    /// The channel that holds `instance` for events of `type`.
    func channel(of instance: UInt32, type: TemplateTypeID) -> UInt32? {
        channels.first { $0.value.type == type && $0.value.instances.contains { $0.id == instance } }?.key
    }

    @inline(__always)
    func instances(for type: TemplateTypeID) -> [CompiledInstance] {
        let index = Int(type.rawValue)
        return index < byType.count ? byType[index] : []
    }

    private mutating func rebuild() {
        let highest = channels.values.map { Int($0.type.rawValue) }.max() ?? -1
        var byType = [[CompiledInstance]](repeating: [], count: highest + 1)
        for channel in channels.keys.sorted() {
            let entry = channels[channel]!
            byType[Int(entry.type.rawValue)] += entry.instances
        }
        self.byType = byType
    }
}
