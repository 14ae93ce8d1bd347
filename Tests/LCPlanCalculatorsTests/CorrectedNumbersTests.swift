import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// Numbers that were wrong (hardening issue, item 7), each against its own derivation.
struct CorrectedNumbersTests {
    /// An A100 has no fp8 tensor cores: fp8 matmuls run at its bf16 dense peak, 312 TFLOP/s (datasheet),
    /// not at the int8 rate of 624 TOPS.
    @Test func fp8OnAnA100RunsAtTheBF16Rate() throws {
        let spec = try #require(
            resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: a100-80gb}\nworkload: {context: 8k, dtype: fp8}\n"))
        let time = Analysis(spec).time
        #expect(time.peak == 312e12)
        #expect(time.computeFormat == .bf16)
        // An H100 lists fp8: its own fp8 peak, 1978.9 TFLOP/s dense.
        let hopper = try #require(
            resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h100-sxm}\nworkload: {context: 8k, dtype: fp8}\n"))
        #expect(Analysis(hopper).time.peak == 1978.9e12)
    }

    /// Gradients in a 4-bit format take half a byte per parameter: ceil(P x 4 / 8), not zero.
    @Test func fourBitGradientsAreCounted() throws {
        let text = """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: training, context: 4k, global_batch: 1, grad_dtype: fp4}
            """
        let spec = try #require(resolve(text))
        let memory = Analysis(spec).memory
        // One device holds all 8,030,261,248 parameters (cases.md); 4 bits each is 4,015,130,624 bytes.
        #expect(memory.parametersPerDevice == ExactInt(8_030_261_248))
        #expect(memory.device.gradients == ExactInt(4_015_130_624))
    }

    /// LC203 says what it checks: the KV cache above half of the memory the device uses.
    @Test func kvCacheDominatesSaysWhatItChecks() throws {
        let spec = try #require(
            resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 128k, batch: 4}\n"))
        let analysis = Analysis(spec)
        let finding = try #require(analysis.diagnostics.first { $0.rule == .kvCacheDominates })
        #expect(analysis.memory.device.kvCache * ExactInt(2) > analysis.memory.total)
        #expect(finding.message.contains("of the memory the most loaded device uses"))
        #expect(finding.message.contains("\(Bytes(analysis.memory.total))"))
    }
}

/// The network efficiency per link (issue 9): a GPU preset's NVLink gets the measured 371-377 of 450 GB/s
/// (NVIDIA/nccl issue 1264, via serving.md; the middle, 374/450), a PCIe peer link and the inter-node link the
/// stated 0.7, and a spec's `efficiency.network` both.
struct NetworkEfficiencyTests {
    @Test func perLink() throws {
        func system(_ hardware: String) throws -> System {
            let spec = try #require(resolve("version: 1\nmodel: llama-3.1-8b\nhardware: \(hardware)\nworkload: {context: 8k}\n"))
            return System(spec.hardware, computeFormat: .bf16)
        }
        let nvlink = try system("{device: h100-sxm, count: 16, per_node: 8, inter_node: 400Gb/s}")
        #expect(abs(nvlink.intraNode.effectiveBytesPerSecond - 374e9) < 1)
        #expect(nvlink.interNode.efficiency == 0.7)
        #expect(abs(nvlink.interNode.effectiveBytesPerSecond - 50e9 * 0.7) < 1)
        let pcie = try system("{device: a100-pcie-80gb, count: 8}")
        #expect(pcie.intraNode.efficiency == 0.7)
        let stated = try system("{device: h100-sxm, count: 16, per_node: 8, efficiency: {network: 0.9}}")
        #expect(stated.intraNode.efficiency == 0.9 && stated.interNode.efficiency == 0.9)
    }
}
