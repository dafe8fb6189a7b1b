import TrimtabModel

/// `plot`: draws columns of a CSV table (a benchmark's results, a simulation's per-request CSV, a
/// forecast) as an SVG chart — the figures of the report are drawn this way.
public enum PlotOperation {
    /// What to draw.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case line, step, points, bars
        /// The empirical distribution function of each y column (x: value, y: share at or below).
        case cdf
    }

    public struct Request: Codable, Sendable, Equatable {
        public var table: CSVSource
        /// The x column; absent: the row number (1, 2, …). Ignored for `cdf`.
        public var x: String?
        /// The y columns (one series each, unless `by` splits them).
        public var y: [String]
        /// A column whose values split the rows into series (`policy`, `solver`).
        public var by: String?
        public var kind: Kind
        public var logX: Bool
        public var logY: Bool
        public var title: String?
        public var xLabel: String?
        public var yLabel: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case table, x, y, by, kind, logX = "log_x", logY = "log_y", title, xLabel = "x_label", yLabel = "y_label"
        }

        public init(table: CSVSource, x: String? = nil, y: [String], by: String? = nil, kind: Kind = .line,
                    logX: Bool = false, logY: Bool = false, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
            self.table = table
            self.x = x
            self.y = y
            self.by = by
            self.kind = kind
            self.logX = logX
            self.logY = logY
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
        }
    }

    /// The SVG document, and how many points each series has.
    public struct Result: OperationResult {
        public var svg: String
        public var series: [SeriesSummary]
    }

    public struct SeriesSummary: Codable, Sendable, Equatable {
        public var name: String
        public var points: Int
    }

    /// Reads the table and draws it. Rows whose y field is empty are left out of that series; a
    /// field that is not a number is bad input naming the file, line and column. An x column
    /// that is not all numbers is drawn as categories, in the order they first appear.
    /// - Complexity: O(r·c + p log p) for r rows, c columns drawn and p points (sorted for `cdf`).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let table = try request.table.load()
        guard !request.y.isEmpty else { throw TrimtabError(field: "y", "name at least one column to draw") }
        func column(_ name: String, _ field: String) throws(TrimtabError) -> Int {
            guard let index = table.header.firstIndex(where: { $0 == name }) ?? table.column([name]) else {
                throw TrimtabError(file: table.file, field: field, "no column '\(name)' (the header has \(table.header.joined(separator: ", ")))")
            }
            return index
        }
        let yColumns = try request.y.map { (name) throws(TrimtabError) in (name, try column(name, "y")) }
        let xColumn: Int? = try request.kind == .cdf ? nil : request.x.map { (name) throws(TrimtabError) in try column(name, "x") }
        let byColumn: Int? = try request.by.map { (name) throws(TrimtabError) in try column(name, "by") }

        // x values: numbers, or categories when any is not a number.
        var categories: [String] = []
        var xs: [Double?] = []
        if let xColumn {
            let texts = table.rows.map { table.optionalString($0, xColumn) }
            let numeric = texts.allSatisfy { $0.map { Double($0)?.isFinite == true } ?? true }
            if numeric {
                xs = texts.map { $0.flatMap(Double.init) }
            } else {
                for text in texts {
                    guard let text else { xs.append(nil); continue }
                    if let i = categories.firstIndex(of: text) { xs.append(Double(i)) } else {
                        categories.append(text)
                        xs.append(Double(categories.count - 1))
                    }
                }
            }
        } else {
            xs = table.rows.indices.map { Double($0 + 1) }
        }

        // Series: y column × group, in the order they first appear.
        var order: [String] = []
        var values: [String: [(x: Double, y: Double)]] = [:]
        // Series in the order of their group's first row, then of the y columns as given.
        var rank: [String: (Int, Int)] = [:]
        var groups: [String] = []
        func groupRank(_ group: String?) -> Int {
            guard let group else { return 0 }
            if let i = groups.firstIndex(of: group) { return i }
            groups.append(group)
            return groups.count - 1
        }
        for (r, row) in table.rows.enumerated() {
            let group = byColumn.flatMap { table.optionalString(row, $0) }
            for (name, index) in yColumns {
                guard table.optionalString(row, index) != nil else { continue }
                let y = try table.number(row, index)
                guard let x = xs[r] else { continue }
                let key = [group, yColumns.count > 1 || group == nil ? name : nil].compactMap { $0 }.joined(separator: " · ")
                if values[key] == nil { order.append(key); rank[key] = (groupRank(group), yColumns.firstIndex { $0.0 == name } ?? 0) }
                values[key, default: []].append((x, y))
            }
        }
        order.sort { a, b in
            let (ra, rb) = (rank[a] ?? (0, 0), rank[b] ?? (0, 0))
            return ra.0 != rb.0 ? ra.0 < rb.0 : ra.1 < rb.1
        }
        guard !order.isEmpty else { throw TrimtabError(file: table.file, field: "y", "no row has a value in \(request.y.joined(separator: ", "))") }

        let mark: SVGChart.Mark
        switch request.kind {
        case .line: mark = .line
        case .step, .cdf: mark = .step
        case .points: mark = .points
        case .bars: mark = .bars
        }
        let series: [SVGChart.Series] = order.map { key in
            let pairs = values[key] ?? []
            var points: [SVGChart.Point]
            if request.kind == .cdf {
                let sorted = pairs.map(\.y).sorted()
                points = sorted.enumerated().map { SVGChart.Point(x: $1, y: Double($0 + 1) / Double(sorted.count)) }
                if let first = sorted.first { points.insert(SVGChart.Point(x: first, y: 0), at: 0) }
            } else {
                points = pairs.map { SVGChart.Point(x: $0.x, y: $0.y) }
                if mark != .points && mark != .bars { points.sort { $0.x < $1.x } }
            }
            return SVGChart.Series(name: key, points: points, mark: mark)
        }
        let defaultX = request.kind == .cdf ? request.y.joined(separator: ", ") : (request.x ?? "row")
        let defaultY = request.kind == .cdf ? "share of values at or below" : request.y.joined(separator: ", ")
        let chart = SVGChart(title: request.title ?? "", xLabel: request.xLabel ?? defaultX, yLabel: request.yLabel ?? defaultY,
                             xScale: request.logX ? .log : .linear, yScale: request.logY ? .log : .linear,
                             categories: categories, series: series)
        let svg: String
        do { svg = try chart.render() } catch {
            throw TrimtabError(file: table.file, field: error.field, error.message)
        }
        return Result(svg: svg, series: series.map { SeriesSummary(name: $0.name, points: $0.points.count) })
    }
}
