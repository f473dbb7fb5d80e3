extension SandboxRun {
    /// What happened to one `sandbox run`: the typed termination (the agents'
    /// model), the status the launcher exits with, times and peak RSS.
    public struct Report: Codable, Sendable {
        public struct Ending: Codable, Sendable {
            /// exited, crashed, policy-violation, hang (timed out), memory-limit, cpu-limit, killed-by-supervisor, setup-failed
            public var kind: String
            public var exitCode: Int32?
            public var signal: String?
            public var syscall: String?
            public var syscallNumber: Int32?
            public var architecture: String?
            public var stage: String?
            public var errno: String?
            /// For a violation, the syscall as the kernel named it; otherwise the termination.
            public var description: String
        }

        /// A profile file that was loaded, and the SHA-256 of the bytes compiled.
        public struct LoadedProfile: Codable, Sendable, Equatable {
            public var path: String
            public var sha256: String

            public init(path: String, sha256: String) {
                self.path = path
                self.sha256 = sha256
            }
        }

        public var command: [String]
        public var profile: String
        /// Every profile file loaded (the one named and the shipped add-ons), with its digest.
        public var profiles: [LoadedProfile] = []
        public var handling: String
        /// The profile was permissive (opted in with `--permissive`, `--log` or
        /// the profile's own `"permissive": true`): CMD was not confined.
        public var permissive = false
        /// Syscalls the profile allows that this libseccomp cannot name (newer
        /// than it): skipped, as Docker's runtime skips them.
        public var skippedSyscalls: [String] = []
        public var termination: Ending
        /// The status `ringfence sandbox run` exits with.
        public var exitStatus: Int32
        public var wallSeconds: Double
        public var userSeconds: Double
        public var systemSeconds: Double
        public var peakResidentBytes: Int
        /// `--log`: every syscall outside the profile, by name, with its count.
        public var loggedSyscalls: [String: Int]

        /// The lines for stderr: the violation (`ringfence: policy violation:
        /// ptrace (nr 101, x86_64)`), any other abnormal end, and under `--log`
        /// the syscalls outside the profile, most frequent first.
        public func messages(listingLogged: Bool) -> [String] {
            var lines: [String] = permissive ? ["ringfence: note: \(profile) is permissive (opted in): CMD ran only loosely confined"] : []
            if !skippedSyscalls.isEmpty {
                lines.append("ringfence: warning: \(profile): allow rules name syscalls this libseccomp does not know; skipped: "
                             + skippedSyscalls.joined(separator: ", "))
            }
            switch termination.kind {
            case "exited":
                break
            case "policy-violation":
                lines.append("ringfence: policy violation: \(termination.description)")
            case "setup-failed":
                lines.append("ringfence: sandbox setup failed: \(termination.description)")
            default:
                lines.append("ringfence: \(termination.description)")
            }
            if listingLogged {
                let list = loggedSyscalls.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                lines.append("ringfence: \(list.count) syscall(s) outside \(profile)" + (list.isEmpty ? "" : ":"))
                lines += list.map { "  \($0.key) \($0.value)" }
            }
            return lines
        }

        /// The `--report` document: pretty-printed JSON with the keys in a
        /// fixed order, written without Foundation (the launcher links none).
        public var json: String {
            var ending: [JSONValue.Member] = [.init(key: "kind", value: .string(termination.kind))]
            let optionals: [(String, JSONValue?)] = [
                ("exitCode", termination.exitCode.map { .number(String($0)) }),
                ("signal", termination.signal.map(JSONValue.string)),
                ("syscall", termination.syscall.map(JSONValue.string)),
                ("syscallNumber", termination.syscallNumber.map { .number(String($0)) }),
                ("architecture", termination.architecture.map(JSONValue.string)),
                ("stage", termination.stage.map(JSONValue.string)),
                ("errno", termination.errno.map(JSONValue.string)),
            ]
            ending += optionals.compactMap { key, value in value.map { JSONValue.Member(key: key, value: $0) } }
            ending.append(.init(key: "description", value: .string(termination.description)))
            let document: JSONValue = .object([
                .init(key: "command", value: .array(command.map(JSONValue.string))),
                .init(key: "profile", value: .string(profile)),
                .init(key: "profiles", value: .array(profiles.map { loaded in
                    .object([.init(key: "path", value: .string(loaded.path)), .init(key: "sha256", value: .string(loaded.sha256))])
                })),
                .init(key: "handling", value: .string(handling)),
                .init(key: "permissive", value: .bool(permissive)),
                .init(key: "skippedSyscalls", value: .array(skippedSyscalls.map(JSONValue.string))),
                .init(key: "termination", value: .object(ending)),
                .init(key: "exitStatus", value: .number(String(exitStatus))),
                .init(key: "wallSeconds", value: .number(String(wallSeconds))),
                .init(key: "userSeconds", value: .number(String(userSeconds))),
                .init(key: "systemSeconds", value: .number(String(systemSeconds))),
                .init(key: "peakResidentBytes", value: .number(String(peakResidentBytes))),
                .init(key: "loggedSyscalls", value: .object(loggedSyscalls.sorted { $0.key < $1.key }.map {
                    .init(key: $0.key, value: .number(String($0.value)))
                })),
            ])
            return document.serialized() + "\n"
        }
    }
}
