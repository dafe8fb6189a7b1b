/// What an event does when its time comes. (The next arrival is kept outside the heap.)
enum EventKind: UInt8 {
    /// An invocation (`id`) of stage `stage` finishes.
    case completion
    /// The batch buffer of `stage` times out, if its generation is still `id`.
    case batchTimeout
    /// Replicas of `stage` that were starting may be ready (Kubernetes start-up delay).
    case replicasReady
}

/// A scheduled event. A plain value: no allocation per event.
struct Event {
    var time: Double
    /// Insertion order, to break ties in time deterministically (FIFO).
    var sequence: UInt64
    var kind: EventKind
    var stage: Int32
    var id: Int32

    @inline(__always) static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }
}

/// The pending events: a binary min-heap on (time, sequence) in one array.
///
/// Its own heap rather than swift-collections' `Heap`: that one is a min-max heap (both ends,
/// more comparisons per level), and it needs `Comparable` elements, where a static inlined
/// comparison of two fields is all the simulator needs.
struct EventQueue {
    private var heap: [Event] = []
    private var nextSequence: UInt64 = 0

    init() { heap.reserveCapacity(1024) }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: Double? { heap.first?.time }

    mutating func schedule(_ kind: EventKind, at time: Double, stage: Int32 = 0, id: Int32 = 0) {
        let event = Event(time: time, sequence: nextSequence, kind: kind, stage: stage, id: id)
        nextSequence &+= 1
        heap.append(event)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if !Event.precedes(event, heap[parent]) { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = event
    }

    mutating func pop() -> Event? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        let n = heap.count
        if n > 0 {
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= n { break }
                if child + 1 < n, Event.precedes(heap[child + 1], heap[child]) { child += 1 }
                if !Event.precedes(heap[child], last) { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
        }
        return top
    }
}
