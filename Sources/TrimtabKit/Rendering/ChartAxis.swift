import Foundation

/// One axis: a data range, its scale, and where it lies on the page.
struct ChartAxis {
    var lower: Double
    var upper: Double
    let scale: SVGChart.Scale
    let from: Double
    let to: Double
    let categorical: Bool

    init(values: [Double], scale: SVGChart.Scale, from: Double, to: Double, includeZero: Bool) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if scale == .log {
            lo = pow(10, floor(log10(lo)))
            hi = pow(10, ceil(log10(hi)))
            if lo == hi { hi = lo * 10 }
        } else {
            if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
            let step = ChartAxis.niceStep((hi - lo) / 5)
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
        }
        self.lower = lo
        self.upper = hi
        self.scale = scale
        self.from = from
        self.to = to
        self.categorical = false
    }

    init(categories count: Int, from: Double, to: Double) {
        lower = -0.5
        upper = Double(max(count, 1)) - 0.5
        scale = .linear
        self.from = from
        self.to = to
        categorical = true
    }

    /// Widens a numeric axis so the bars at its ends (as wide as the closest two x values are
    /// apart) fit inside it.
    mutating func padForBars(_ values: [Double]) {
        let xs = Array(Set(values)).sorted()
        guard let first = xs.first, let last = xs.last else { return }
        var gap = xs.count > 1 ? (last - first) : max(abs(first), 1)
        for i in xs.indices.dropFirst() { gap = min(gap, xs[i] - xs[i - 1]) }
        if scale == .log {
            lower = min(lower, first / 2)
            upper = max(upper, last * 2)
        } else {
            lower = min(lower, first - gap * 0.6)
            upper = max(upper, last + gap * 0.6)
        }
    }

    func position(_ v: Double) -> Double {
        let t: Double
        if scale == .log {
            t = (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            t = (v - lower) / (upper - lower)
        }
        return from + t * (to - from)
    }

    /// The smallest distance on the page between two distinct x values (the width a bar may take).
    func smallestGap(_ values: [Double]) -> Double {
        let xs = Array(Set(values)).sorted()
        var gap = abs(to - from) / 4
        for i in xs.indices.dropFirst() {
            gap = min(gap, abs(position(xs[i]) - position(xs[i - 1])))
        }
        return gap
    }

    func ticks() -> [Double] {
        if scale == .log {
            let first = Int(log10(lower).rounded()), last = Int(log10(upper).rounded())
            let decades = Array(first...max(first, last))
            var ticks = decades.map { pow(10, Double($0)) }
            if decades.count <= 2 {
                ticks += decades.dropLast().flatMap { d in [2.0, 5.0].map { $0 * pow(10, Double(d)) } }
                ticks.sort()
            }
            return ticks
        }
        let step = ChartAxis.niceStep((upper - lower) / 5)
        var ticks: [Double] = []
        var v = (lower / step).rounded(.up) * step
        // At most 1000 ticks: a step lost to rounding against huge values never ends the loop.
        while v <= upper + step * 1e-9, ticks.count < 1000 {
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return ticks
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * power >= raw * (1 - 1e-12) { return m * power }
        return 10 * power
    }
}
