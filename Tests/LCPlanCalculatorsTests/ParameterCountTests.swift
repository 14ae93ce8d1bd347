import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// Parameter totals from ../shared/reference/cases.md ("Parameters" table), each recomputed there from
/// the model's public config.json; exact.
struct ParameterCountTests {
    static let cases: [(String, String)] = [
        ("llama-2-7b", "6738415616"),
        ("llama-3-8b", "8030261248"),
        ("llama-3.1-8b", "8030261248"),
        ("llama-3.1-70b", "70553706496"),
        ("llama-3.1-405b", "405853388800"),
        ("mistral-7b", "7241732096"),
        ("qwen2.5-7b", "7615616512"),
        ("deepseek-v3", "671026419200"),
    ]

    @Test(arguments: cases)
    func totalsMatchPublishedFigures(name: String, expected: String) throws {
        let model = try #require(ModelCatalogue.named(name))
        #expect(ParameterCount(model).total.description == expected)
    }

    /// cases.md: DeepSeek-V3 ~37.6e9 active, tolerance 0.5%.
    @Test func deepSeekActive() throws {
        let model = try #require(ModelCatalogue.named("deepseek-v3"))
        let active = ParameterCount(model).active.doubleValue
        #expect(abs(active - 37.6e9) / 37.6e9 < 0.005)
    }

    /// models.md: Mixtral 46.7B total, 12.9B active; Jamba ~52B total, ~12B active. A quoted figure is
    /// matched to within half a unit of its last digit.
    @Test func moeTotalsMatchQuotedFigures() throws {
        let mixtral = ParameterCount(try #require(ModelCatalogue.named("mixtral-8x7b")))
        #expect(abs(mixtral.total.doubleValue - 46.7e9) <= 0.05e9)
        #expect(abs(mixtral.active.doubleValue - 12.9e9) <= 0.05e9)
        let jamba = ParameterCount(try #require(ModelCatalogue.named("jamba-v0.1")))
        #expect(abs(jamba.total.doubleValue - 52e9) <= 0.5e9)
        #expect(abs(jamba.active.doubleValue - 12e9) <= 0.5e9)
    }

    /// Llama-2-7B written out by hand: embeddings and head 2 x 32000 x 4096; per layer attention 4 x 4096^2,
    /// MLP 3 x 4096 x 11008, two RMSNorms 2 x 4096; final norm 4096.
    @Test func llama2BreakdownByHand() throws {
        let count = ParameterCount(try #require(ModelCatalogue.named("llama-2-7b")))
        #expect(count.embedding == ExactInt(32000 * 4096))
        #expect(count.lmHead == ExactInt(32000 * 4096))
        #expect(count.attention == ExactInt(32 * 4 * 4096 * 4096))
        #expect(count.mlp == ExactInt(32 * 3 * 4096 * 11008))
        #expect(count.norms == ExactInt(32 * 2 * 4096 + 4096))
        #expect(count.active == count.total)
    }

    /// Mamba-2.8B: 2.77B parameters (state-spaces/mamba README model list), with vocab padded to 50280.
    @Test func mambaTotal() throws {
        let count = ParameterCount(try #require(ModelCatalogue.named("mamba-2.8b")))
        #expect(abs(count.total.doubleValue - 2.77e9) / 2.77e9 < 0.005)
    }

    /// Identity: the parts sum to the total for every catalogue model.
    @Test(arguments: ModelCatalogue.names)
    func partsSumToTotal(name: String) throws {
        let c = ParameterCount(try #require(ModelCatalogue.named(name)))
        #expect(c.embedding + c.lmHead + c.attention + c.mlp + c.experts + c.norms == c.total)
        #expect(c.active <= c.total)
        #expect(!c.active.isNegative)
    }
}
