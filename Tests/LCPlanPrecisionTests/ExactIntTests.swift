import Testing

@testable import LCPlanPrecision

/// Reference values are public constants: powers of two and factorials (OEIS A000079, A000142).
struct ExactIntTests {
    @Test func powerOfTwo200() {
        #expect(
            ExactInt(2).power(200).description
                == "1606938044258990275541962092341162602522202993782792835301376")
    }

    @Test func factorials() {
        #expect(ExactInt.factorial(25).description == "15511210043330985984000000")
        #expect(ExactInt.factorial(30).description == "265252859812191058636308480000000")
        // 30! built by repeated multiplication crosses Int.max and must continue exactly in GMP.
        let product = (1...30).reduce(ExactInt.one) { $0 * ExactInt($1) }
        #expect(product == ExactInt.factorial(30))
    }

    @Test func overflowContinuesExactly() {
        let max = ExactInt(Int.max)
        #expect((max + 1).description == "9223372036854775808")
        #expect((max * max).description == "85070591730234615847396907784232501249")
        #expect((ExactInt(Int.min) - 1).description == "-9223372036854775809")
        // Coming back into range returns to the inline representation.
        #expect(((max + 1) - 1).intValue == Int.max)
    }

    @Test func divisionRounding() {
        #expect(ExactInt(7).floorDivided(by: 2) == 3)
        #expect(ExactInt(-7).floorDivided(by: 2) == -4)
        #expect(ExactInt(7).ceilDivided(by: 2) == 4)
        #expect(ExactInt(8).ceilDivided(by: 2) == 4)
        #expect(ExactInt(7).floorDivided(by: 0) == nil)
        #expect(ExactInt(2).power(100).floorDivided(by: ExactInt(2).power(98)) == 4)
        #expect(ExactInt(10).isMultiple(of: 5))
        #expect(!ExactInt(10).isMultiple(of: 0))
    }

    @Test func parsing() {
        #expect(ExactInt(decimal: "123456789012345678901234567890")?.description == "123456789012345678901234567890")
        #expect(ExactInt(decimal: "-42") == -42)
        #expect(ExactInt(decimal: "4x2") == nil)
        #expect(ExactInt(decimal: "") == nil)
        #expect(ExactInt(decimal: "-") == nil)
    }

    @Test func comparisonAcrossRepresentations() {
        let big = ExactInt(2).power(70)
        #expect(big > ExactInt(Int.max))
        #expect(-big < ExactInt(Int.min))
        #expect([ExactInt(1), big, 3].sum() == big + 4)
    }
}
