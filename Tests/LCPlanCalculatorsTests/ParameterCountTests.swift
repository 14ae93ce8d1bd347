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

    /// Qwen3, derived by hand from the shapes in models.md (and, for the 8B, its stated total 8,190,735,360):
    /// embeddings and head untied, 151,936 x h each; per layer Q and O h x 128 n_heads each, K and V
    /// h x 128 n_kv each, two RMSNorms of h and two per-head q/k norms of 128; the experts 3 h f_e each and
    /// a router h x 128; a final norm h.
    /// - 8B (h 4096, 32/8 heads, FFN 12288): layer 2(4096 x 4096) + 2(4096 x 1024) + 3(4096 x 12288) + 8192 + 256
    ///   = 192,946,432; x 36 + 2 x 622,329,856 + 4096 = 8,190,735,360.
    /// - 30B-A3B (h 2048, 32/4 heads, 128 experts of 768): layer 2(2048 x 4096) + 2(2048 x 512)
    ///   + 128 x 3 x 2048 x 768 + 128 x 2048 + 4096 + 256 = 623,120,640; x 48 + 2 x 311,164,928 + 2048
    ///   = 30,532,122,624.
    /// - 235B-A22B (h 4096, 64/4 heads, 128 experts of 1536): layer 2(4096 x 8192) + 2(4096 x 512)
    ///   + 128 x 3 x 4096 x 1536 + 128 x 4096 + 8192 + 256 = 2,487,755,008; x 94 + 2 x 622,329,856 + 4096
    ///   = 235,093,634,560.
    static let qwen3: [(String, String)] = [
        ("qwen3-8b", "8190735360"), ("qwen3-30b-a3b", "30532122624"), ("qwen3-235b-a22b", "235093634560"),
        ("llama-3.3-70b", "70553706496"),
    ]

    @Test(arguments: qwen3)
    func newerModelsCountAsDerived(name: String, expected: String) throws {
        let model = try #require(ModelCatalogue.named(name))
        #expect(ParameterCount(model).total.description == expected)
    }

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
