import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TrimtabModel

/// An exclusive advisory lock (`flock`) on `<database>.lock`, held while a control loop writes
/// its history, so that a second loop on the same history refuses to start. The kernel
/// releases it when the process ends, however it ends; `release` (or deinit) releases it early.
public final class HistoryLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock or throws `unavailable` when another process holds it.
    public init(database: String) throws(TrimtabError) {
        path = database + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TrimtabError(code: .io, file: path, "cannot open the history lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            descriptor = -1
            if busy {
                throw TrimtabError(code: .unavailable, file: database,
                                   "another trimtab control loop is using this history (lock \(path)); stop it first or give another database")
            }
            throw TrimtabError(code: .io, file: path, "cannot lock the history: \(reason)")
        }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
