/// A growable double-ended queue on one array: FIFO queues of waiting invocations and the
/// time-ordered pools of idle instances. Amortised O(1) at both ends; no per-element allocation.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        storage = Array(repeating: nil, count: max(capacity, 1))
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always) private func physical(_ i: Int) -> Int {
        let p = head + i
        return p >= storage.count ? p - storage.count : p
    }

    var first: Element? { count > 0 ? storage[head] : nil }
    var last: Element? { count > 0 ? storage[physical(count - 1)] : nil }

    mutating func append(_ e: Element) {
        if count == storage.count { grow() }
        storage[physical(count)] = e
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = head + 1 == storage.count ? 0 : head + 1
        count -= 1
        return e
    }

    mutating func popLast() -> Element? {
        guard count > 0 else { return nil }
        let p = physical(count - 1)
        let e = storage[p]
        storage[p] = nil
        count -= 1
        return e
    }

    private mutating func grow() {
        var bigger: [Element?] = Array(repeating: nil, count: storage.count * 2)
        for i in 0..<count { bigger[i] = storage[physical(i)] }
        storage = bigger
        head = 0
    }
}
