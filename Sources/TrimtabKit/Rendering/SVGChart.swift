import Foundation
import TrimtabModel

/// A chart drawn as a standalone SVG document: a title, two axes with ticks and labels (linear or
/// logarithmic; the x axis may be categories), one or more series drawn as lines, steps, points or
/// bars, and a legend.
///
/// Written here rather than taken from a package: the Swift package mirror offers no charting
/// library, and the report's figures and `trimtab plot` need only these marks. The output is
/// deterministic (fixed number formatting, series in the order given), so a figure regenerated from
/// the same data is byte-identical.
public struct SVGChart: Sendable, Equatable {
    /// How a series is drawn.
    public enum Mark: String, Codable, Sendable, CaseIterable {
        /// Points joined by straight segments.
        case line
        /// A staircase: each value holds until the next x (an empirical CDF, a timeline).
        case step
        /// Unjoined markers (a scatter plot).
        case points
        /// Bars from the axis (side by side when several series share an x).
        case bars
    }

    /// An axis's scale.
    public enum Scale: String, Codable, Sendable, CaseIterable {
        case linear, log
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]
        public var mark: Mark
        public init(name: String, points: [Point], mark: Mark) {
            self.name = name
            self.points = points
            self.mark = mark
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    /// Names of the x positions 0, 1, 2, … when the x axis holds categories (policies, cells);
    /// empty for a numeric x axis.
    public var categories: [String]
    public var series: [Series]
    public var width: Double
    public var height: Double

    public init(title: String = "", xLabel: String = "", yLabel: String = "", xScale: Scale = .linear,
                yScale: Scale = .linear, categories: [String] = [], series: [Series],
                width: Double = 720, height: Double = 440) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.categories = categories
        self.series = series
        self.width = width
        self.height = height
    }

    /// Colours of the series, in order (a palette readable by most colour-blind readers).
    static let palette = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#000000"]

    /// The SVG document.
    /// - Throws: bad input when there is nothing to draw, a value is not finite, or a logarithmic
    ///   axis meets a value that is not positive.
    /// - Complexity: O(p) in the number of points (plus the ticks).
    /// The largest magnitude a point may have: the axis range (max − min, rounded out to nice
    /// ticks) must stay finite; at ±1e308 it overflowed and drawing the ticks never ended.
    public static let maxMagnitude = 1e300

    public func render() throws(TrimtabError) -> String {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { throw TrimtabError(field: "series", "there are no points to draw") }
        for s in series {
            for p in s.points where !p.x.isFinite || !p.y.isFinite {
                throw TrimtabError(field: "series \(s.name)", "a point is not a finite number")
            }
            for p in s.points where abs(p.x) > Self.maxMagnitude || abs(p.y) > Self.maxMagnitude {
                let v = abs(p.x) > Self.maxMagnitude ? "x = \(Self.label(p.x))" : "y = \(Self.label(p.y))"
                throw TrimtabError(field: "series \(s.name)", "\(v) is beyond ±1e300, the largest value a chart can draw")
            }
            if xScale == .log, let p = s.points.first(where: { $0.x <= 0 }) {
                throw TrimtabError(field: "series \(s.name)", "x = \(Self.label(p.x)) cannot go on a logarithmic axis (it must be positive)")
            }
            if yScale == .log, let p = s.points.first(where: { $0.y <= 0 }) {
                throw TrimtabError(field: "series \(s.name)", "y = \(Self.label(p.y)) cannot go on a logarithmic axis (it must be positive)")
            }
        }
        let hasBars = series.contains { $0.mark == .bars }
        // Plot area.
        let left = 78.0, right = width - (series.count > 1 ? 170 : 24), top = title.isEmpty ? 20.0 : 44, bottom = height - 58
        // Data ranges.
        var xAxis: ChartAxis
        if categories.isEmpty {
            xAxis = ChartAxis(values: all.map(\.x), scale: xScale, from: left, to: right, includeZero: false)
        } else {
            xAxis = ChartAxis(categories: categories.count, from: left, to: right)
        }
        if hasBars && categories.isEmpty { xAxis.padForBars(all.map(\.x)) }
        let yAxis = ChartAxis(values: all.map(\.y), scale: yScale, from: bottom, to: top, includeZero: hasBars && yScale == .linear)

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
        viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="#ffffff"/>

        """
        if !title.isEmpty {
            svg += "<text x=\"\(Self.n(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(Self.escape(title))</text>\n"
        }
        // Grid and ticks.
        for tick in yAxis.ticks() {
            let y = yAxis.position(tick)
            svg += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(y))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(Self.n(left - 6))\" y=\"\(Self.n(y + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        if categories.isEmpty {
            for tick in xAxis.ticks() {
                let x = xAxis.position(tick)
                svg += "<line x1=\"\(Self.n(x))\" y1=\"\(Self.n(bottom))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(bottom + 5))\" stroke=\"#333333\"/>\n"
                svg += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(bottom + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
            }
        } else {
            for (i, name) in categories.enumerated() {
                let x = xAxis.position(Double(i))
                svg += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(bottom + 18))\" text-anchor=\"middle\">\(Self.escape(name))</text>\n"
            }
        }
        svg += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(bottom))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(bottom))\" stroke=\"#333333\"/>\n"
        svg += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(left))\" y2=\"\(Self.n(bottom))\" stroke=\"#333333\"/>\n"
        if !xLabel.isEmpty {
            svg += "<text x=\"\(Self.n((left + right) / 2))\" y=\"\(Self.n(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let cy = (top + bottom) / 2
            svg += "<text x=\"16\" y=\"\(Self.n(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(Self.n(cy)))\">\(Self.escape(yLabel))</text>\n"
        }
        // Series.
        let barSeries = series.filter { $0.mark == .bars }.count
        let slot = categories.isEmpty ? xAxis.smallestGap(all.map(\.x)) : xAxis.position(1) - xAxis.position(0)
        let barWidth = barSeries > 0 ? max(1, 0.8 * slot / Double(barSeries)) : 0
        var barIndex = 0
        for (index, s) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let placed = s.points.map { (x: xAxis.position($0.x), y: yAxis.position($0.y)) }
            svg += "<g class=\"series\" data-name=\"\(Self.escape(s.name))\">\n"
            switch s.mark {
            case .line, .step:
                var path = ""
                for (i, p) in placed.enumerated() {
                    if i == 0 {
                        path += "M\(Self.n(p.x)) \(Self.n(p.y))"
                    } else if s.mark == .step {
                        path += " H\(Self.n(p.x)) V\(Self.n(p.y))"
                    } else {
                        path += " L\(Self.n(p.x)) \(Self.n(p.y))"
                    }
                }
                svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
                if placed.count == 1, let p = placed.first {
                    svg += "<circle cx=\"\(Self.n(p.x))\" cy=\"\(Self.n(p.y))\" r=\"3\" fill=\"\(colour)\"/>\n"
                }
            case .points:
                for p in placed {
                    svg += "<circle cx=\"\(Self.n(p.x))\" cy=\"\(Self.n(p.y))\" r=\"3\" fill=\"\(colour)\" fill-opacity=\"0.8\"/>\n"
                }
            case .bars:
                let base = yAxis.position(yScale == .log ? yAxis.lower : max(yAxis.lower, min(0, yAxis.upper)))
                let offset = (Double(barIndex) - Double(barSeries - 1) / 2) * barWidth
                for p in placed {
                    let x = p.x + offset - barWidth / 2
                    let y = min(p.y, base), h = abs(base - p.y)
                    svg += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(barWidth))\" height=\"\(Self.n(h))\" fill=\"\(colour)\"/>\n"
                }
                barIndex += 1
            }
            svg += "</g>\n"
        }
        // Legend.
        if series.count > 1 {
            for (index, s) in series.enumerated() {
                let y = top + 8 + Double(index) * 18
                let colour = Self.palette[index % Self.palette.count]
                svg += "<rect x=\"\(Self.n(right + 14))\" y=\"\(Self.n(y - 9))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>\n"
                svg += "<text x=\"\(Self.n(right + 32))\" y=\"\(Self.n(y + 1))\">\(Self.escape(s.name))</text>\n"
            }
        }
        svg += "</svg>\n"
        return svg
    }

    /// A number in the SVG's coordinates: two decimals at most, no trailing zeros.
    static func n(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A tick's label: plain decimals in the usual range, scientific notation outside it.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e6 || a < 1e-3 { return String(format: "%.3g", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
