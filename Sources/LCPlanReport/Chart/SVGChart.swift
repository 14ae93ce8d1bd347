import Foundation
import LCPlanModel
import LCPlanPrecision

/// A figure of stacked line charts sharing one x axis, written as SVG by lcplan itself: deterministic byte
/// for byte (every coordinate with two decimals), colours from the Okabe-Ito palette (readable by
/// colour-blind readers) with a dash pattern per series (readable in greyscale print).
struct SVGChart {
    struct Series {
        let name: String
        /// (x, y) in data units; nil y leaves a gap.
        let points: [(Double, Double?)]
    }

    struct Rule {
        let label: String
        let value: Double
    }

    struct Panel {
        let title: String
        let unit: String
        let series: [Series]
        /// Horizontal lines (a capacity), and vertical ones (a max-context marker).
        var horizontal: [Rule] = []
        var vertical: [Rule] = []
        /// Formats a y value for tick labels.
        var format: (Double) -> String = { SVGChart.number($0) }
        var logarithmic: Bool? = nil
        /// Start the y axis at zero (linear panels).
        var fromZero = true
    }

    static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    static let dashes = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 2"]

    let title: String
    let xLabel: String
    let xFormat: (Double) -> String
    let xLogarithmic: Bool
    /// Token counts: logarithmic ticks at powers of two (4k, 16k, 64k).
    var xBinary = false
    /// Points placed by position 1 ..< n + 1 with a tick (and the format's name) at each, and no lines
    /// between them: the values are names, not a scale.
    var xCategories: Int? = nil
    var panels: [Panel]
    /// A line under the title (what the panels left out).
    var subtitle: String? = nil

    static let width = 960.0, panelHeight = 280.0, left = 96.0, right = 200.0, top = 56.0, gap = 72.0

    func render() -> String {
        let height = Self.top + Double(panels.count) * (Self.panelHeight + Self.gap) + 8
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(height))\" "
        out +=
            "viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out +=
            "<text x=\"\(Self.f(Self.width / 2))\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(Self.escape(title))</text>\n"
        if let subtitle {
            out +=
                "<text x=\"\(Self.f(Self.width / 2))\" y=\"46\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(subtitle))</text>\n"
        }
        let xs = panels.flatMap { $0.series.flatMap { $0.points.map(\.0) } }.filter(\.isFinite)
        guard let xMin = xs.min(), let xMax = xs.max() else { return out + "</svg>\n" }
        var xAxis = Axis(low: xMin, high: xMax, logarithmic: xLogarithmic, fromZero: false)
        if xLogarithmic && xBinary { xAxis = Axis(binaryLow: xMin, high: xMax) }
        if let count = xCategories { xAxis = Axis(categories: count) }
        for (index, panel) in panels.enumerated() {
            out += render(panel, at: Self.top + Double(index) * (Self.panelHeight + Self.gap), xAxis: xAxis)
        }
        return out + "</svg>\n"
    }

    func render(_ panel: Panel, at y0: Double, xAxis: Axis) -> String {
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.panelHeight - 40
        // Only finite values are drawn (a gap otherwise), so every axis has finite bounds.
        let ys = (panel.series.flatMap { $0.points.compactMap(\.1) } + panel.horizontal.map(\.value)).filter(\.isFinite)
        let positive = ys.filter { $0 > 0 }
        let logarithmic = panel.logarithmic ?? ((positive.max() ?? 1) / max(positive.min() ?? 1, .leastNormalMagnitude) >= 100)
        let yAxis = Axis(
            low: logarithmic ? (positive.min() ?? 1) : (panel.fromZero ? 0 : ys.min() ?? 0), high: ys.max() ?? 1,
            logarithmic: logarithmic && !positive.isEmpty, fromZero: panel.fromZero)
        func px(_ x: Double) -> Double { Self.left + xAxis.position(x) * plotWidth }
        func py(_ y: Double) -> Double { y0 + 24 + (1 - yAxis.position(y)) * plotHeight }
        let bottom = y0 + 24 + plotHeight
        var out = "<g>\n"
        out +=
            "<text x=\"\(Self.f(Self.left))\" y=\"\(Self.f(y0 + 12))\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(panel.title))</text>\n"
        out +=
            "<rect x=\"\(Self.f(Self.left))\" y=\"\(Self.f(y0 + 24))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"none\" stroke=\"#444444\"/>\n"
        for tick in yAxis.ticks() {
            let y = py(tick)
            out +=
                "<line x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(Self.left + plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"#dddddd\"/>\n"
            out +=
                "<text x=\"\(Self.f(Self.left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(Self.escape(panel.format(tick)))</text>\n"
        }
        for tick in xAxis.ticks() {
            let x = px(tick)
            out += "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(y0 + 24))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(bottom))\" stroke=\"#eeeeee\"/>\n"
            out += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(bottom + 16))\" text-anchor=\"middle\">\(Self.escape(xFormat(tick)))</text>\n"
        }
        out +=
            "<text x=\"\(Self.f(Self.left + plotWidth / 2))\" y=\"\(Self.f(bottom + 34))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(\(Self.f(Self.left - 70)) \(Self.f(y0 + 24 + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(panel.unit + (yAxis.logarithmic ? " (log)" : "")))</text>\n"
        var legend: [(String, String, String)] = []
        // Horizontal rules: the first labelled above its line, the next below theirs, at the left edge (the
        // data usually climbs to the right).
        for (index, rule) in panel.horizontal.enumerated() where yAxis.contains(rule.value) {
            let y = py(rule.value)
            out +=
                "<line x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(Self.left + plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"\(index == 0 ? "6 3" : "3 3")\"/>\n"
            out +=
                "<text x=\"\(Self.f(Self.left + 6))\" y=\"\(Self.f(index == 0 ? y - 5 : y + 14))\" fill=\"#000000\">\(Self.escape(rule.label))</text>\n"
        }
        for rule in panel.vertical where xAxis.contains(rule.value) {
            let x = px(rule.value)
            // The label on the side with room: left of the marker in the right half of the plot.
            let onLeft = x > Self.left + plotWidth / 2
            out +=
                "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(y0 + 24))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(bottom))\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n"
            out +=
                "<text x=\"\(Self.f(onLeft ? x - 4 : x + 4))\" y=\"\(Self.f(y0 + 40))\" text-anchor=\"\(onLeft ? "end" : "start")\">\(Self.escape(rule.label))</text>\n"
        }
        for (index, series) in panel.series.enumerated() {
            let colour = Self.colours[index % Self.colours.count], dash = Self.dashes[index % Self.dashes.count]
            var runs: [[(Double, Double)]] = [[]]
            for (x, y) in series.points {
                guard let y, y.isFinite, !yAxis.logarithmic || y > 0 else {
                    if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                    continue
                }
                runs[runs.count - 1].append((px(x), py(y)))
            }
            for run in runs where !run.isEmpty {
                if xCategories != nil {
                    for (x, y) in run { out += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"4\" fill=\"\(colour)\"/>\n" }
                    continue
                }
                let path = run.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(Self.f($0.element.0)) \(Self.f($0.element.1))" }.joined(
                    separator: " ")
                out +=
                    "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
                for (x, y) in run { out += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"2.5\" fill=\"\(colour)\"/>\n" }
            }
            legend.append((series.name, colour, dash))
        }
        for (index, item) in legend.enumerated() {
            let y = y0 + 40 + Double(index) * 18, x = Self.left + plotWidth + 14
            // Categories are drawn as dots, so their legend shows a dot; lines show a line.
            out +=
                xCategories != nil
                ? "<circle cx=\"\(Self.f(x + 14))\" cy=\"\(Self.f(y))\" r=\"4\" fill=\"\(item.1)\"/>\n"
                : "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(x + 28))\" y2=\"\(Self.f(y))\" stroke=\"\(item.1)\" stroke-width=\"2\"\(item.2.isEmpty ? "" : " stroke-dasharray=\"\(item.2)\"")/>\n"
            out += "<text x=\"\(Self.f(x + 34))\" y=\"\(Self.f(y + 4))\">\(Self.escape(item.0))</text>\n"
        }
        return out + "</g>\n"
    }

    /// An axis: linear from zero (or the low value) to a rounded high value, or logarithmic over whole decades.
    struct Axis {
        let low: Double, high: Double, logarithmic: Bool
        var binary = false
        var categories: Int? = nil

        /// A logarithmic axis over whole powers of two.
        init(binaryLow low: Double, high: Double) {
            logarithmic = true
            binary = true
            self.low = pow(2, floor(log2(max(low, 1))))
            self.high = pow(2, ceil(log2(max(high, self.low * 2))))
        }

        /// Positions 1 ... count, half a step of margin on each side.
        init(categories count: Int) {
            logarithmic = false
            categories = max(count, 1)
            low = 0.5
            high = Double(max(count, 1)) + 0.5
        }

        init(low: Double, high: Double, logarithmic: Bool, fromZero: Bool) {
            self.logarithmic = logarithmic
            if logarithmic {
                let l = max(low, .leastNormalMagnitude)
                self.low = Foundation10.power(floor(log10(l)))
                self.high = Foundation10.power(ceil(log10(max(high, l * 1.0001))))
            } else {
                let step = Self.step(max(high - (fromZero ? 0 : low), .leastNormalMagnitude))
                self.low = fromZero ? min(0, floor(low / step) * step) : floor(low / step) * step
                self.high = max(ceil(high / step) * step, self.low + step)
            }
        }

        static func step(_ range: Double) -> Double {
            let raw = range / 5
            let magnitude = Foundation10.power(floor(log10(raw)))
            let fraction = raw / magnitude
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
        }

        func position(_ v: Double) -> Double {
            if logarithmic { return (log10(max(v, low)) - log10(low)) / max(log10(high) - log10(low), 1e-12) }
            return (v - low) / max(high - low, .leastNormalMagnitude)
        }

        func contains(_ v: Double) -> Bool { v >= low && v <= high && (!logarithmic || v > 0) }

        func ticks() -> [Double] {
            if let categories {
                let stride = max(1, (categories + 23) / 24)
                return Swift.stride(from: 1, through: categories, by: stride).map(Double.init)
            }
            if binary {
                let octaves = Int((log2(high) - log2(low)).rounded())
                let stride = max(1, (octaves + 7) / 8)
                return Swift.stride(from: 0, through: octaves, by: stride).map { low * pow(2, Double($0)) }
            }
            if logarithmic {
                let decades = Int((log10(high) - log10(low)).rounded())
                let stride = max(1, (decades + 7) / 8)
                return Swift.stride(from: 0, through: decades, by: stride).map { low * Foundation10.power(Double($0)) }
            }
            let step = Self.step(high - low)
            var ticks: [Double] = []
            var t = low
            while t <= high + step / 1000 && ticks.count < 20 {
                ticks.append(t)
                t += step
            }
            return ticks
        }
    }

    /// Two decimals, no trailing noise: coordinates and numbers are deterministic text.
    static func f(_ v: Double) -> String { UnitFormat.fixed(v, decimals: 2) }

    /// A tick label: three significant digits with an SI prefix, trailing zeros dropped (`50`, `10 k`, `2.5 M`).
    static func number(_ v: Double) -> String {
        let text = UnitFormat.scaled(v, unit: "", base: 1000).trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        var digits = parts.first ?? text
        if digits.contains(".") {
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.hasSuffix(".") { digits.removeLast() }
        }
        return parts.count > 1 ? digits + " " + parts[1] : digits
    }

    /// A time tick: `0 s`, `1 ms`, `10 s`, `1000 s`; beyond, in the unit people read such times in
    /// (`2.78 h`, `11.6 d`, `31.7 y`), never a seven-digit count of seconds.
    static func seconds(_ v: Double) -> String {
        if v == 0 { return "0 s" }
        if v >= 1e15 { return number(v) + " s" }
        if v >= 365.25 * 86_400 { return number(v / (365.25 * 86_400)) + " y" }
        if v >= 86_400 * 2 { return number(v / 86_400) + " d" }
        if v >= 3600 * 2 { return number(v / 3600) + " h" }
        if v >= 1000 { return UnitFormat.grouped(ExactInt(Int(v.rounded()))) + " s" }
        if v >= 1 { return number(v) + " s" }
        if v >= 1e-3 { return number(v * 1e3) + " ms" }
        if v >= 1e-6 { return number(v * 1e6) + " us" }
        return number(v * 1e9) + " ns"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Powers of ten (exact for whole exponents).
enum Foundation10 {
    static func power(_ exponent: Double) -> Double { pow(10.0, exponent) }
}
