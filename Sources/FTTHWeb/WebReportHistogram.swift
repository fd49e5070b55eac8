import FTTHCore
import FTTHReport
import Foundation

/// The geometry of the report's SVG histogram of ONU rx against the limits: every coordinate
/// and label computed here, so the template only places them (the engine escapes each value;
/// no markup is made outside a template). Bars are bins of 0.5 dB; a vertical line per limit.
struct WebReportHistogram {
    /// A limit line: where, its label, and whether it is a minimum or a maximum of a profile
    /// that applied (solid) or another profile in force (dashed).
    struct Limit {
        var value: DBm
        var label: String
        var applied: Bool
    }

    static let width = 720
    static let height = 320
    static let left = 56
    static let right = 16
    static let top = 44
    static let bottom = 56

    let histogram: ONURxHistogram
    let limits: [Limit]

    var plotWidth: Int { Self.width - Self.left - Self.right }
    var plotHeight: Int { Self.height - Self.top - Self.bottom }
    var baseline: Int { Self.top + plotHeight }

    /// The x of a power on the axis, in the SVG's units.
    func x(_ power: DBm) -> Double {
        guard let first = histogram.bins.first, let last = histogram.bins.last else { return Double(Self.left) }
        let span = Double(last.upper.centi - first.lower.centi)
        return Double(Self.left) + Double(power.centi - first.lower.centi) / span * Double(plotWidth)
    }

    /// A step for the count axis that gives at most about five ticks.
    static func countStep(_ peak: Int) -> Int {
        for step in [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000] where peak / step <= 5 {
            return step
        }
        return max(1, peak / 5)
    }

    /// The template's values: `bars`, `xTicks`, `yTicks`, `limits`, the frame's sizes.
    func values(axisX: String, axisY: String) -> [String: Any] {
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let step = Self.countStep(max(histogram.peak, 1))
        let top = max(step, Int((Double(max(histogram.peak, 1)) / Double(step)).rounded(.up)) * step)
        func y(_ count: Int) -> Double { Double(baseline) - Double(count) / Double(top) * Double(plotHeight) }
        let bars: [[String: Any]] = histogram.bins.filter { $0.count > 0 }.map { bin in
            let x0 = x(bin.lower)
            let x1 = x(bin.upper)
            return [
                "x": f(x0 + 0.5), "y": f(y(bin.count)), "w": f(max(x1 - x0 - 1, 1)),
                "h": f(Double(baseline) - y(bin.count)), "count": bin.count,
                "label": "\(bin.lower.decimalString) … \(bin.upper.decimalString) dBm: \(bin.count)",
            ]
        }
        // A tick every dB, or every 2 or 5 dB on a wide axis; labels on whole dB.
        var xTicks: [[String: Any]] = []
        if let first = histogram.bins.first, let last = histogram.bins.last {
            let spanDB = Double(last.upper.centi - first.lower.centi) / 100
            let stepDB = spanDB <= 16 ? 1 : spanDB <= 32 ? 2 : 5
            var tick = Int((Double(first.lower.centi) / 100).rounded(.up))
            tick = Int((Double(tick) / Double(stepDB)).rounded(.up)) * stepDB
            while tick * 100 <= last.upper.centi {
                xTicks.append(["x": f(x(DBm(centi: tick * 100))), "label": "\(tick)"])
                tick += stepDB
            }
        }
        let yTicks: [[String: Any]] = stride(from: 0, through: top, by: step).map {
            ["y": f(y($0)), "label": "\($0)"]
        }
        // Labels of lines close together take turns on two rows above the plot.
        var lines: [[String: Any]] = []
        var lastX = -1000.0
        var row = 0
        for limit in limits.sorted(by: { $0.value < $1.value }) {
            let lx = x(limit.value)
            row = lx - lastX < 110 ? 1 - row : 0
            lastX = lx
            lines.append([
                "x": f(lx), "label": limit.label, "labelY": f(Double(Self.top - 8 - row * 16)),
                "class": limit.applied ? "limit applied" : "limit other",
                "anchor": lx > Double(Self.width - 90) ? "end" : lx < Double(Self.left + 40) ? "start" : "middle",
            ])
        }
        return [
            "width": Self.width, "height": Self.height, "left": Self.left, "right": Self.width - Self.right,
            "top": Self.top, "baseline": baseline, "bars": bars, "xTicks": xTicks, "yTicks": yTicks,
            "limits": lines, "tickEnd": baseline + 6, "tickLabelY": baseline + 22, "axisXLabelY": Self.height - 8,
            "axisXLabelX": Self.left + plotWidth / 2, "axisYLabelX": 16, "axisYLabelY": Self.top + plotHeight / 2,
            "axisX": axisX, "axisY": axisY, "yTickLabelX": Self.left - 8,
        ]
    }
}
