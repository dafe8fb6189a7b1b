import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TrimtabKit
import TrimtabModel

/// What an SVG document holds, read back with an XML parser (independently of the renderer): tick
/// labels with their positions, circles, bars and paths per series.
private final class SVGReading: NSObject, XMLParserDelegate {
    struct Label { var text: String; var x: Double; var y: Double; var anchor: String }
    var labels: [Label] = []
    var circles: [(series: String, x: Double, y: Double)] = []
    var rects: [(series: String, x: Double, y: Double, width: Double, height: Double)] = []
    var paths: [(series: String, d: String)] = []
    private var series = ""
    private var pending: Label?

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw TrimtabError("the SVG is not well-formed XML: \(String(describing: parser.parserError))") }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        func d(_ key: String) -> Double { Double(a[key] ?? "") ?? .nan }
        switch name {
        case "g": series = a["data-name"] ?? ""
        case "circle": circles.append((series, d("cx"), d("cy")))
        case "rect" where !series.isEmpty: rects.append((series, d("x"), d("y"), d("width"), d("height")))
        case "path": paths.append((series, a["d"] ?? ""))
        case "text": pending = Label(text: "", x: d("x"), y: d("y"), anchor: a["text-anchor"] ?? "")
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { pending?.text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "g" { series = "" }
        if name == "text", let label = pending { labels.append(label); pending = nil }
    }

    /// y tick labels (right-aligned) as (value, page y of the tick line).
    var yTicks: [(value: Double, y: Double)] {
        labels.filter { $0.anchor == "end" }.compactMap { l in Double(l.text).map { ($0, l.y - 4) } }
    }
    /// x tick labels (centred, numeric) as (value, page x).
    var xTicks: [(value: Double, x: Double)] {
        labels.filter { $0.anchor == "middle" }.compactMap { l in Double(l.text).map { ($0, l.x) } }
    }
}

/// The page coordinate of `v` from two ticks, by linear interpolation (in log10 when `log`).
private func place(_ v: Double, _ ticks: [(Double, Double)], log: Bool = false) -> Double {
    let f: (Double) -> Double = log ? { Foundation.log10($0) } : { $0 }
    let (a, b) = (ticks[0], ticks[ticks.count - 1])
    return a.1 + (f(v) - f(a.0)) * (b.1 - a.1) / (f(b.0) - f(a.0))
}

/// The numbers of a path's `d` after each command letter in `commands`.
private func coordinates(_ d: String, _ commands: Set<Character>) -> [Double] {
    var out: [Double] = []
    var current: Character = " "
    var token = ""
    func flush() {
        if !token.isEmpty, commands.contains(current), let v = Double(token) { out.append(v) }
        token = ""
    }
    for c in d {
        if c.isLetter { flush(); current = c } else if c == " " { flush() } else { token.append(c) }
    }
    flush()
    return out
}

private func csv(_ text: String) -> CSVSource { .text(text, label: "data.csv") }

@Test func pointsLandWhereTheTickLabelsSayTheirValuesAre() throws {
    let data = "x,y\n1,3\n2.5,7.25\n4,-1\n9,12\n"
    let result = try PlotOperation.run(.init(table: csv(data), x: "x", y: ["y"], kind: .points))
    let svg = try SVGReading(result.svg)
    #expect(svg.circles.count == 4)
    let expected: [(Double, Double)] = [(1, 3), (2.5, 7.25), (4, -1), (9, 12)]
    #expect(svg.yTicks.count >= 3 && svg.xTicks.count >= 3)
    for (circle, (x, y)) in zip(svg.circles, expected) {
        #expect(abs(circle.x - place(x, svg.xTicks)) < 0.02)
        #expect(abs(circle.y - place(y, svg.yTicks)) < 0.02)
    }
    // Every point inside the axes' range (the ticks cover the data).
    let ys = svg.yTicks.map(\.value), xs = svg.xTicks.map(\.value)
    #expect((ys.min() ?? 0) <= -1 && (ys.max() ?? 0) >= 12 && (xs.min() ?? 9) <= 1 && (xs.max() ?? 0) >= 9)
}

@Test func empiricalCDFStepsByOneOverNAtEachValue() throws {
    // Values 3, 1, 2, 2: the CDF is 0 before 1, 1/4 at 1, 3/4 at 2, 1 at 3.
    let result = try PlotOperation.run(.init(table: csv("ms\n3\n1\n2\n2\n"), y: ["ms"], kind: .cdf))
    let svg = try SVGReading(result.svg)
    let path = try #require(svg.paths.first)
    let heights = [coordinates(path.d, ["M"]).last ?? .nan] + coordinates(path.d, ["V"])
    let shares = heights.map { h in
        // Invert the y map given by the tick labels.
        let t = svg.yTicks
        return t[0].value + (h - t[0].y) * (t[t.count - 1].value - t[0].value) / (t[t.count - 1].y - t[0].y)
    }
    let expected = [0, 0.25, 0.5, 0.75, 1.0]
    #expect(shares.count == expected.count)
    for (s, e) in zip(shares, expected) { #expect(abs(s - e) < 1e-3) }
    // Horizontal steps stop at the values 1, 2, 2, 3.
    let xs = coordinates(path.d, ["H"])
    #expect(xs.count == 4)
    for (x, v) in zip(xs, [1.0, 2, 2, 3]) { #expect(abs(x - place(v, svg.xTicks)) < 0.02) }
}

@Test func logarithmicAxisPlacesDecadesEvenly() throws {
    let result = try PlotOperation.run(.init(table: csv("n,t\n10,1\n100,10\n1000,1000\n"), x: "n", y: ["t"], kind: .points,
                                             logX: true, logY: true))
    let svg = try SVGReading(result.svg)
    for (circle, (x, y)) in zip(svg.circles, [(10.0, 1.0), (100, 10), (1000, 1000)]) {
        #expect(abs(circle.x - place(x, svg.xTicks, log: true)) < 0.02)
        #expect(abs(circle.y - place(y, svg.yTicks, log: true)) < 0.02)
    }
}

@Test func categoriesAndGroupsMakeBarsPerSeries() throws {
    let data = "policy,run,core_seconds\ntrimtab,a,100\nautoscale,a,250\ntrimtab,b,120\nautoscale,b,\n"
    let result = try PlotOperation.run(.init(table: csv(data), x: "policy", y: ["core_seconds"], by: "run", kind: .bars))
    #expect(result.series.map(\.name) == ["a", "b"])
    #expect(result.series.map(\.points) == [2, 1])  // the empty field is left out
    let svg = try SVGReading(result.svg)
    #expect(svg.labels.map(\.text).filter { $0 == "trimtab" || $0 == "autoscale" } == ["trimtab", "autoscale"])
    #expect(svg.rects.count == 3)
    // Heights proportional to the values (bars start at 0).
    let bars = svg.rects.filter { $0.series == "a" }
    #expect(abs(bars[1].height / bars[0].height - 2.5) < 1e-3)
}

@Test func badTablesAreOneLineErrorsNamingFileAndField() {
    func message(_ request: PlotOperation.Request) -> String {
        do { _ = try PlotOperation.run(request); return "" } catch { return error.description }
    }
    #expect(message(.init(table: csv("a,b\n1,2\n"), y: ["c"])) == "data.csv: y: no column 'c' (the header has a, b)")
    #expect(message(.init(table: csv("a,b\n1,2\n3,x\n"), x: "a", y: ["b"])) == "data.csv: line 3: b: 'x' is not a number")
    #expect(message(.init(table: csv("a,b\n1,0\n"), x: "a", y: ["b"], logY: true))
            == "data.csv: series b: y = 0 cannot go on a logarithmic axis (it must be positive)")
    #expect(message(.init(table: csv("a,b\n1,\n"), x: "a", y: ["b"])) == "data.csv: y: no row has a value in b")
    #expect(message(.init(table: csv("a,b\n1,2\n"), y: [])) == "y: name at least one column to draw")
}

@Test func theSameDataDrawsTheSameBytes() throws {
    let request = PlotOperation.Request(table: csv("x,y,z\n1,2,3\n2,4,1\n"), x: "x", y: ["y", "z"], title: "a < b & c")
    let first = try PlotOperation.run(request).svg
    #expect(try PlotOperation.run(request).svg == first)
    #expect(first.contains("a &lt; b &amp; c"))
    _ = try SVGReading(first)
}
