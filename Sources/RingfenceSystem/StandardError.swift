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

    /// `ringfence: text` and a newline: how both executables report a
    /// problem. Always one line (DESIGN section 4), whatever the text holds:
    /// control characters from hostile input (a newline in a YAML key, a NUL
    /// in a parser's excerpt) are escaped, and a message is cut at
    /// ``maxLength`` characters. Several problems are several calls.
    public static func complain(_ text: String) {
        write("ringfence: \(oneLine(text))\n")
    }

    /// The longest message printed (a 10,000-character key stays in the file).
    public static let maxLength = 1_000

    /// `text` with every control character escaped (`\n`, `\0`, `\u{1b}`) and at most ``maxLength`` characters.
    public static func oneLine(_ text: String) -> String {
        var line = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece: String = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\0": "\\0"
            default: scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
            count += 1
            if count > maxLength {
                line += "..."
                break
            }
            line += piece
        }
        return line
    }
}
