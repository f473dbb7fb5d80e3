import ArgumentParser
import Foundation
import RingfenceContent

extension Ringfence {
    struct Faults: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the fault catalog and what each fault does.")

        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            if json {
                let entries = Fault.allCases.map { ["name": $0.rawValue, "summary": $0.summary, "effect": $0.effect] }
                let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
                say(String(decoding: data, as: UTF8.self))
                return
            }
            let width = Fault.allCases.map(\.rawValue.count).max() ?? 0
            for fault in Fault.allCases {
                say(fault.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + fault.summary)
                say(String(repeating: " ", count: width + 2) + "-> " + fault.effect)
            }
        }
    }
}
