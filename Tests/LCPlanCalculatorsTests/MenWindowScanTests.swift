import Foundation
import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// The scan for the smallest base at which the Men criterion holds, against Men et al.'s table of lower
/// bounds (arXiv 2405.14591; r = 128, as rope.md sec. 2 restates it) and against the full check.
struct MenWindowScanTests {
    static let wp = WorkingPrecision(bits: 256)

    static func holds(_ b: BigFloat, context: Int, r: Int = 128) -> Bool {
        MenCriterion.check(
            theta: MenWindowScan.frequencies(base: b, rotaryDim: r, wp), passThrough: 0, length: context, precision: wp
        ).holds
    }

    static func minimum(context: Int, budget: Int = 1 << 34) -> BigFloat? {
        RoPERecommendation(
            context: context, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: context,
            lowerBound: wp.number(2), ceiling: wp.number(1e12), precision: wp, totalBudget: budget
        ).menMinimumBase
    }

    /// The paper's table gives two-figure points inside windows. Where such a point sits at its window's
    /// start, the scan lands within the rounding of the two figures: 1K 4.3e3 (the window starts at 4293.44,
    /// rope.md), 4K 2.7e4, 8K 8.4e4.
    @Test(arguments: [(1024, 4300.0), (4096, 27_000.0), (8192, 84_000.0)])
    func paperTable(context: Int, paper: Double) throws {
        let found = try #require(Self.minimum(context: context))
        let relative = abs(found.doubleValue - paper) / paper
        #expect(relative < 0.01, "\(found.doubleValue) against \(paper)")
        #expect(Self.holds(found, context: context))
    }

    /// The first window at 1K starts at 4293.44 (rope.md sec. 2, to 0.01%), shown rounded up to 10 digits.
    @Test func firstWindowAt1K() throws {
        let found = try #require(Self.minimum(context: 1024))
        #expect(abs(found.doubleValue - 4293.44) / 4293.44 < 1e-4)
        #expect(found.decimalString(digits: 10) == found.decimalString(digits: 10, roundingUp: true))
    }

    /// What the scan finds holds, the grid step below it fails, and so does the base one part in 10^7 below
    /// (the start of its window, shown rounded up). The paper's own point at 2K (1.6e4) holds but lies
    /// above the first window (at 8K, 8.4e4, just above it): the scan finds no larger base.
    @Test(arguments: [(2048, 16_000.0), (8192, 84_000.0)])
    func windowStartBelowThePapersPoint(context: Int, paper: Double) throws {
        #expect(Self.holds(Self.wp.number(paper), context: context), "the paper's point holds")
        let found = try #require(Self.minimum(context: context))
        #expect(found.doubleValue <= paper)
        #expect(Self.holds(found, context: context))
        let below = Self.wp.multiply(found, Self.wp.number(1 - 1e-7))
        #expect(!Self.holds(below, context: context))
    }

    /// A phase-modulation bound above the first window: the recommendation is the first window above the
    /// bound (it holds, and is at least the bound), while the criterion alone still reports 4293.44 at 1K.
    @Test func boundAboveTheFirstWindow() throws {
        let wp = Self.wp
        let rec = RoPERecommendation(
            context: 1024, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 1024,
            lowerBound: wp.number(5000), ceiling: wp.number(1e7), precision: wp, totalBudget: 1 << 30)
        #expect(rec.menScanned)
        #expect(rec.minBase.doubleValue >= 5000)
        #expect(Self.holds(rec.minBase, context: 1024))
        let alone = try #require(rec.menMinimumBase)
        #expect(abs(alone.doubleValue - 4293.44) / 4293.44 < 1e-4)
    }

    /// A budget that covers a hundred checks of every position (100 x 1024 x 64 = 6,553,600 cosines) but
    /// not the walk from L / (2 pi) = 163 to the window at 4293 stops it and says where.
    @Test func budgetStopsTheScan() {
        let wp = Self.wp
        let rec = RoPERecommendation(
            context: 1024, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 1024,
            lowerBound: wp.number(2), ceiling: wp.number(1e12), precision: wp, totalBudget: 6_600_000)
        #expect(rec.menMinimumBase == nil)
        #expect(!rec.menScanned && !rec.scanSkipped)
        #expect(rec.scanStoppedAt.map { $0.doubleValue > 163 && $0.doubleValue < 4293 } == true)
        // The phase-modulation bound stands as the recommendation.
        #expect(rec.minBase.doubleValue == 2)
    }

    /// A budget below a hundred checks of every position (8192 x 64 x 100 = 52,428,800) starts no scan.
    @Test func budgetTooSmallSkipsTheScan() {
        let wp = Self.wp
        let rec = RoPERecommendation(
            context: 8192, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 8192,
            lowerBound: wp.number(30_000), ceiling: wp.number(1e12), precision: wp, totalBudget: 52_428_799)
        #expect(rec.scanSkipped && !rec.menScanned && rec.menMinimumBase == nil)
        #expect(rec.scanStoppedAt?.doubleValue == 30_000 && rec.minBase.doubleValue == 30_000)
    }

    /// No budget, no scan (plan reports): nothing stopped, nothing found.
    @Test func noBudgetNoScan() {
        let wp = Self.wp
        let rec = RoPERecommendation(
            context: 1024, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 1024,
            lowerBound: wp.number(727), ceiling: wp.number(1e7), precision: wp, totalBudget: 0)
        #expect(rec.menMinimumBase == nil && rec.scanStoppedAt == nil && !rec.menScanned)
        #expect(rec.minBase.doubleValue == 727)
    }

    /// The early-stopping check decides as the full check does, whatever witnesses it is handed, and a
    /// failure it returns is a position where the sum is negative.
    @Test func earlyStopAgreesWithTheFullCheck() {
        let wp = Self.wp
        var bases: [Double] = []
        // Around the first windows at 2K (11,587 and up; 16,000 holds): both verdicts, windows and gaps.
        var b = 10_000.0
        while b < 20_000 { bases.append(b); b *= 1.003 }
        var holding = 0
        for base in bases {
            let theta = MenWindowScan.frequencies(base: wp.number(base), rotaryDim: 128, wp)
            let full = MenCriterion.check(theta: theta, passThrough: 0, length: 2048, precision: wp)
            if full.holds { holding += 1 }
            for witnesses in [[], [17], [2047, 1500, 3], [100_000]] {
                let early = MenCriterion.firstFailure(
                    theta: theta, passThrough: 0, length: 2048, precision: wp, witnesses: witnesses)
                #expect((early.failure == nil) == full.holds, "base \(base), witnesses \(witnesses)")
                if let m = early.failure {
                    let sum = MenCriterion.exactSum(m: m, theta: theta, passThrough: 0, wp).value
                    #expect(sum < 0, "base \(base): B(\(m)) = \(sum)")
                }
            }
        }
        // Both verdicts occur among these bases.
        #expect(holding > 0 && holding < bases.count, "\(holding) of \(bases.count) hold")
    }

    /// The cheap frequencies of the double pass round to the same doubles as the direct evaluation.
    @Test(arguments: ["10000", "500000", "4869104.371", "1e9"])
    func fastFrequenciesRoundAlike(base: String) throws {
        let b = try #require(Self.wp.number(decimal: base))
        let fast = MenWindowScan.fastFrequencies(base: b, rotaryDim: 128).map(\.doubleValue)
        let direct = MenWindowScan.frequencies(base: b, rotaryDim: 128, Self.wp).map(\.doubleValue)
        #expect(fast == direct)
        // theta_j = b^(-2j/r) in double, within a few ulps of the correctly rounded value.
        let plain = (0..<64).map { pow(Double(base) ?? 0, -2 * Double($0) / 128) }
        for (x, y) in zip(direct, plain) { #expect(abs(x - y) <= 8 * x.ulp) }
    }
}
