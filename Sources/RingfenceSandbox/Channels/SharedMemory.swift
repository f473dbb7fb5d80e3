import CSandbox
import Glibc

/// A shared memory region (memfd) mapped into this process; its descriptor can
/// be handed to a sandboxed child, which maps the same pages.
public final class SharedMemory: @unchecked Sendable {
    public let fd: Int32
    public let size: Int
    public let base: UnsafeMutableRawPointer

    /// Creates and maps a new region.
    public init(name: String, size: Int) throws(SandboxSetupError) {
        let fd = rf_shared_memory(name, size)
        guard fd >= 0 else { throw SandboxSetupError(stage: .fileDescriptors, errno: errno) }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            let saved = errno
            close(fd)
            throw SandboxSetupError(stage: .fileDescriptors, errno: saved)
        }
        self.fd = fd
        self.size = size
        self.base = mapping
    }

    /// Maps a region received as `fd` (in the sandboxed child).
    public init?(mapping fd: Int32, size: Int) {
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED else { return nil }
        self.fd = fd
        self.size = size
        self.base = mapping
    }

    deinit {
        munmap(base, size)
        close(fd)
    }
}
