import Foundation

/// A seccomp profile in the OCI / Docker JSON format.
///
/// The format is the one container runtimes read (Docker, Podman, runc), so
/// profiles move between them and Ringfence unchanged. Supported: the default
/// action and errno, `architectures`, `archMap` with `subArchitectures`,
/// `syscalls[]` with `names`, `action`, `errnoRet` and `args` (`index`,
/// `value`, `valueTwo`, `op`), and `includes`/`excludes` by `caps`, `arches`
/// and `minKernel`. Unknown keys are ignored, as runtimes do; unknown syscall
/// names, actions, operators and architectures are errors.
public struct SeccompProfile: Codable, Hashable, Sendable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var archMap: [ArchitectureMapping]?
    public var syscalls: [SyscallRule]?

    public struct ArchitectureMapping: Codable, Hashable, Sendable {
        public var architecture: String
        public var subArchitectures: [String]?
    }

    public struct SyscallRule: Codable, Hashable, Sendable {
        public var names: [String]?
        public var name: String?
        public var action: String
        public var errnoRet: UInt32?
        public var args: [ArgumentComparison]?
        public var includes: Filter?
        public var excludes: Filter?
        public var comment: String?

        public init(names: [String], action: String, errnoRet: UInt32? = nil, args: [ArgumentComparison]? = nil) {
            self.names = names
            self.action = action
            self.errnoRet = errnoRet
            self.args = args
        }

        /// `names`, plus the old single `name` field some profiles still use.
        public var allNames: [String] { (names ?? []) + (name.map { [$0] } ?? []) }
    }

    public struct ArgumentComparison: Codable, Hashable, Sendable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64?
        public var op: String

        public init(index: UInt32, value: UInt64, valueTwo: UInt64? = nil, op: String) {
            self.index = index
            self.value = value
            self.valueTwo = valueTwo
            self.op = op
        }
    }

    /// When a rule applies: the agent holds these capabilities, runs on one of
    /// these architectures, on at least this kernel.
    public struct Filter: Codable, Hashable, Sendable {
        public var caps: [String]?
        public var arches: [String]?
        public var minKernel: String?

        var isEmpty: Bool { (caps ?? []).isEmpty && (arches ?? []).isEmpty && minKernel == nil }
    }

    public init(defaultAction: String, defaultErrnoRet: UInt32? = nil, architectures: [String]? = nil, syscalls: [SyscallRule]) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.syscalls = syscalls
    }

    /// Reads a profile file. Errors name the file and the JSON path.
    public static func load(_ path: String) throws(SandboxPolicyError) -> SeccompProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SandboxPolicyError(file: path, message: "cannot read the profile")
        }
        do {
            return try JSONDecoder().decode(SeccompProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw SandboxPolicyError(file: path, message: "\(Self.path(context.codingPath + [key])): missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw SandboxPolicyError(file: path, message: "\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw SandboxPolicyError(file: path, message: "\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw SandboxPolicyError(file: path, message: "\(error)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
}

/// A profile that cannot be read or compiled. It always names the file (or
/// the profile) and what is wrong; the sandbox then refuses to start anything.
public struct SandboxPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
