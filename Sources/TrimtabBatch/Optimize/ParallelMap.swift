import Foundation

/// Slots written by concurrent workers, each index exactly once.
private final class Slots<T>: @unchecked Sendable {
    var items: [T?]
    let lock = NSLock()
    init(_ count: Int) { items = [T?](repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); items[i] = value; lock.unlock() }
}

/// `(0..<count).map(body)` computed on all cores, results in index order.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let slots = Slots<T>(count)
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, work(i)) }
    }
    return slots.items.compactMap { $0 }
}
