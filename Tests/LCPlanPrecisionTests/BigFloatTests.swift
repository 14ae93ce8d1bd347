import Testing

@testable import LCPlanPrecision

/// Digits of pi and e are the published constants (OEIS A000796, A001113).
struct BigFloatTests {
    @Test func piTo50Digits() {
        let wp = WorkingPrecision.forDecimalDigits(50)
        #expect(wp.pi.decimalString(digits: 50) == "3.1415926535897932384626433832795028841971693993751")
    }

    @Test func eTo40Digits() {
        let wp = WorkingPrecision.forDecimalDigits(40)
        #expect(wp.exp(wp.number(1)).decimalString(digits: 40) == "2.718281828459045235360287471352662497757")
    }

    @Test func exactIntegersRoundTrip() {
        let wp = WorkingPrecision(bits: 256)
        let value = wp.number(ExactInt(2).power(200))
        #expect(value.floorInteger == ExactInt(2).power(200))
        #expect(value.decimalString(digits: 61) == "1606938044258990275541962092341162602522202993782792835301376")
        #expect(value.decimalString(digits: 5) == "1.6069e+60")
    }

    @Test func decimalParsingIsExactBeforeRounding() {
        let wp = WorkingPrecision(bits: 200)
        // 0.1 is not a binary fraction; at 200 bits it differs from the double 0.1 after digit 17.
        let tenth = wp.number(decimal: "0.1")
        #expect(tenth?.decimalString(digits: 30) == "0.100000000000000000000000000000")
        #expect(wp.number(0.1).decimalString(digits: 20) == "0.10000000000000000555")
        #expect(wp.number(decimal: "1e4x") == nil)
        #expect(wp.number(decimal: "") == nil)
    }

    @Test func roundingDirectionsBracketTheValue() {
        let up = WorkingPrecision(bits: 24, rounding: .up)
        let down = WorkingPrecision(bits: 24, rounding: .down)
        let third = (up.divide(up.number(1), up.number(3)), down.divide(down.number(1), down.number(3)))
        #expect(third.0.compare(to: third.1) == 1)
        #expect(third.0.doubleValue == Double(Float(1.0 / 3.0).nextUp) || third.0.doubleValue == Double(Float(1.0 / 3.0)))
    }

    @Test func formatting() {
        let wp = WorkingPrecision(bits: 128)
        #expect(wp.number(20860.757).decimalString(digits: 8) == "20860.757")
        #expect(wp.number(0.000125).decimalString(digits: 3) == "0.000125")
        #expect(wp.number(ExactInt(2).power(64)).decimalString(digits: 8) == "1.8446744e+19")
        #expect(wp.number(-1.5).decimalString(digits: 3) == "-1.50")
        #expect(wp.number(0).decimalString(digits: 3) == "0.00")
        #expect(wp.divide(wp.number(1), wp.number(0)).decimalString(digits: 3) == "inf")
    }

    @Test func transcendentalIdentities() {
        let wp = WorkingPrecision(bits: 300)
        // acos(cos(1)) = 1 and log(exp(2)) = 2 to within a few ulps at 300 bits.
        let one = wp.acos(wp.cos(wp.number(1)))
        #expect(one.decimalString(digits: 80) == wp.number(1).decimalString(digits: 80))
        let two = wp.log(wp.exp(wp.number(2)))
        #expect(two.decimalString(digits: 80) == wp.number(2).decimalString(digits: 80))
    }
}
