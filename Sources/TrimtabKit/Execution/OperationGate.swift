import Dispatch
import Foundation
import TrimtabModel
import TrimtabSolve

/// Runs CPU-heavy operations (solves, simulations) for a server: off Swift's cooperative thread
/// pool (on Dispatch's global queue, so `/healthz` and other requests keep being answered), at
/// most `maxConcurrent` at once (more are refused with `.overloaded`, HTTP 429), and cancelled
/// when the awaiting task is (a client that went away, a shutdown): the exact solver then stops
/// as at its time limit and its answer is dropped.
public final class OperationGate: @unchecked Sendable {
    /// Operations allowed to run at once.
    public let maxConcurrent: Int
    private let lock = NSLock()
    private var running = 0
    private var cancellations: [ObjectIdentifier: SolveCancellation] = [:]
    private var closed = false

    public init(maxConcurrent: Int) {
        self.maxConcurrent = max(1, maxConcurrent)
    }

    /// Operations running now.
    public var active: Int { lock.withLock { running } }

    /// Runs `work` on a Dispatch thread; throws `.overloaded` when `maxConcurrent` are running.
    public func run<T: Sendable>(_ work: @escaping @Sendable (SolveCancellation) throws(TrimtabError) -> T) async throws(TrimtabError) -> T {
        let cancellation = SolveCancellation()
        let admitted = lock.withLock { () -> Bool? in
            if closed { return nil }
            guard running < maxConcurrent else { return false }
            running += 1
            cancellations[ObjectIdentifier(cancellation)] = cancellation
            return true
        }
        guard let admitted else { throw TrimtabError(code: .unavailable, "shutting down") }
        guard admitted else {
            throw TrimtabError(code: .overloaded, "\(maxConcurrent) solve\(maxConcurrent == 1 ? " is" : "s are") running; retry later")
        }
        let outcome: Result<T, TrimtabError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, TrimtabError>, Never>) in
                DispatchQueue.global(qos: .userInitiated).async {
                    let result: Result<T, TrimtabError>
                    do throws(TrimtabError) { result = .success(try work(cancellation)) } catch { result = .failure(error) }
                    self.lock.withLock {
                        self.running -= 1
                        self.cancellations[ObjectIdentifier(cancellation)] = nil
                    }
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try outcome.get()
    }

    /// Stops every running operation (as its time limit would) and refuses new ones: a shutdown.
    public func cancelAll() {
        let running = lock.withLock { () -> [SolveCancellation] in
            closed = true
            return Array(cancellations.values)
        }
        for c in running { c.cancel() }
    }
}

/// The flag that stops a running operation (the exact solver's `SolveCancellation`).
public typealias OperationCancellation = SolveCancellation
