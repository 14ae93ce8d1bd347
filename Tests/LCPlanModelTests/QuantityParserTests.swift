import LCPlanPrecision
import Testing

@testable import LCPlanModel

/// Unit conventions from design.md and ../shared/reference/accounting.md (conventions 5 and 6):
/// token suffixes are binary (k = 1024), byte units SI or IEC as written, network bits are divided by 8.
struct QuantityParserTests {
    func tokens(_ text: String) -> ExactInt? { try? QuantityParser.tokens(text).get() }
    func bytes(_ text: String) -> ExactInt? { try? QuantityParser.bytes(text).get() }

    @Test func tokenCounts() {
        #expect(tokens("128k") == 131_072)
        #expect(tokens("1M") == 1_048_576)
        #expect(tokens("1.5M") == 1_572_864)
        #expect(tokens("131072") == 131_072)
        #expect(tokens("2G") == ExactInt(2) * ExactInt(1 << 30))
        #expect(tokens("1.5") == nil)
        #expect(tokens("128 kilotokens") == nil)
        #expect(tokens("1e3") == 1000)
        #expect(tokens("-5") == -5)
    }

    @Test func byteSizes() {
        #expect(bytes("141GB") == ExactInt(141) * ExactInt(1_000_000_000))
        #expect(bytes("80GiB") == ExactInt(80) * ExactInt(1 << 30))
        #expect(bytes("1.5 KiB") == 1536)
        #expect(bytes("4096") == 4096)
        #expect(bytes("0.5B") == nil)
        #expect(bytes("80 gigs") == nil)
        // 10^30 bytes parses exactly (range checks are the loader's job).
        #expect(bytes("1000000000000000000TB") == ExactInt(10).power(30))
    }

    @Test func rates() throws {
        #expect(try QuantityParser.bandwidth("4.8TB/s").get() == 4.8e12)
        #expect(try QuantityParser.bandwidth("400Gb/s").get() == 50e9)
        #expect(try QuantityParser.bandwidth("400Gbps").get() == 50e9)
        #expect(try QuantityParser.bandwidth("25 GiB/s").get() == 25 * 1_073_741_824)
        #expect((try? QuantityParser.bandwidth("4.8TB").get()) == nil)
        #expect(try QuantityParser.flopRate("989TFLOPS").get() == 989e12)
        #expect(try QuantityParser.flopRate("989.4 TFLOP/s").get() == 989.4e12)
        #expect(try QuantityParser.flopRate("228gflops").get() == 228e9)
        #expect((try? QuantityParser.flopRate("989TOPS").get()) == nil)
    }

    @Test func durationsAndFractions() throws {
        #expect(try QuantityParser.duration("50ms").get() == 0.05)
        #expect(try QuantityParser.duration("2s").get() == 2)
        #expect(try QuantityParser.duration("1.5min").get() == 90)
        #expect((try? QuantityParser.duration("2 fortnights").get()) == nil)
        #expect(try QuantityParser.fraction("10%").get() == 0.1)
        #expect(try QuantityParser.fraction("0.25").get() == 0.25)
        #expect((try? QuantityParser.fraction("1.5").get()) == nil)
    }

    @Test func nearestNames() {
        #expect(NearestName.suggest("contxt", among: ["context", "batch", "mode"]) == "context")
        #expect(NearestName.suggest("xyzzy", among: ["context", "batch"]) == nil)
        #expect(NearestName.suggest("H200", among: ["h200", "h100-sxm"]) == "h200")
        #expect(NearestName.editDistance(Array("ab"), Array("ba")) == 1)
    }

    @Test func unitFormatting() {
        #expect(Bytes(ExactInt(42_949_672_960)).description == "42.9 GB")
        #expect(Bytes(ExactInt(42_949_672_960)).binaryDescription == "40.0 GiB")
        #expect(FLOPs(ExactInt(1_200_000_000_000_000)).description == "1.20 PFLOP")
        #expect(Seconds(0.05).description == "50.0 ms")
        #expect(UnitFormat.grouped(ExactInt(8_030_261_248)) == "8,030,261,248")
        #expect(UnitFormat.grouped(ExactInt(-1_000)) == "-1,000")
    }
}
