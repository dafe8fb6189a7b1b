import Foundation

/// The TCP ports a process listens on, read from the kernel (Linux `/proc`): how a test learns
/// the port a server bound when it was told to listen on port 0.
public enum ListeningPorts {
    /// The loopback or wildcard TCP ports (IPv4 and IPv6) on which process `pid` has a listening
    /// socket, in ascending order; empty when there is none yet (or no `/proc`).
    public static func of(process pid: Int32) -> [Int] {
        let inodes = socketInodes(of: pid)
        guard !inodes.isEmpty else { return [] }
        var ports = Set<Int>()
        for table in ["/proc/\(pid)/net/tcp", "/proc/\(pid)/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                      let colon = fields[1].lastIndex(of: ":"),
                      let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16) else { continue }
                ports.insert(port)
            }
        }
        return ports.sorted()
    }

    /// The inodes of the sockets among the process's open files.
    private static func socketInodes(of pid: Int32) -> Set<String> {
        let folder = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var inodes = Set<String>()
        for entry in entries {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(entry)"),
                  target.hasPrefix("socket:["), target.hasSuffix("]") else { continue }
            inodes.insert(String(target.dropFirst(8).dropLast()))
        }
        return inodes
    }
}

/// A loopback TCP port held bound but not listening, for as long as this value lives: a
/// connection to it is refused, and no other test can take the port meanwhile (unlike a port
/// that was free a moment ago). For tests of an unreachable server.
public final class RefusingPort: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            close(fd)
            throw TestServerError("bind() to 127.0.0.1:0 failed")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    deinit { close(descriptor) }
}
