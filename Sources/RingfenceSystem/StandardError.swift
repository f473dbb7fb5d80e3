import Glibc

/// Text to fd 2 with write(2): unbuffered, so nothing is lost if the process
/// exits or dies next, and without Foundation, for the small `ringfence` front.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// `ringfence: text` and a newline: how both executables report a problem.
    public static func complain(_ text: String) {
        write("ringfence: \(text)\n")
    }
}
