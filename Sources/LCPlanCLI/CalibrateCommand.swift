import ArgumentParser
import Foundation
import LCPlanKernels
import LCPlanModel
import LCPlanReport

/// `lcplan calibrate`: measures this machine and writes the `local` device preset later runs use.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure this machine (matmul rates, attention kernel rate, memory bandwidth) and write the local preset.",
        discussion: """
            Runs lcplan's own kernels on every core, several times each, and takes the medians: an fp32 matrix \
            product (packed panels; an 8 x 32 register block on AVX-512, 6 x 16 on AVX2), the same with inputs \
            rounded to bf16, the fastest causal attention kernel here (d = 128; FLOPs of the causal pairs), a \
            STREAM-style copy (bytes read plus written), and the FMA peak (register-only FMA chains, for \
            reference). Writes the \
            device preset `local` (YAML, with the date and the figures) to --output, by default \
            $XDG_CONFIG_HOME/lcplan/presets/local.yaml (else ~/.config/lcplan/presets/local.yaml), where later \
            runs find it: `hardware: {device: local}` then means this machine as measured, and `lcplan \
            validate` compares its kernel times with it. The peaks written are the measured matmul rates, not \
            the FMA peak; the preset's `measured:` line says so, and a device with measured figures gets \
            compute and memory efficiencies of 1 by default (no discount on rates a kernel reached). Nothing about the CPU is assumed. Exit status: 0 written, 2 the file cannot be written.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the preset here instead (its directory must exist).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Runs per measurement (the median is kept; default 5).", valueName: "n"))
    var runs: Int = 5

    @Option(help: ArgumentHelp("Matrix size of the products (default 1024).", valueName: "n"))
    var size: Int = 1024

    @Flag(help: "Do not print the figures (the preset is still written).")
    var quiet = false

    func validate() throws {
        if runs < 1 || runs > 100 { throw ValidationError("--runs must be from 1 to 100") }
        if size < 64 || size > 8192 { throw ValidationError("--size must be from 64 to 8192") }
    }

    func run() throws {
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let fp32 = Calibration.matmulRate(n: size, threads: threads, runs: runs)
        let bf16 = Calibration.matmulRate(n: size, threads: threads, runs: runs, bf16Inputs: true)
        let shape = AttentionShape(heads: 8, kvHeads: 8, headDim: 128, length: 2048)
        let inputs = AttentionInputs(shape, seed: 1)
        var pairs = 0
        let attentionSeconds = Calibration.median(runs: runs) {
            pairs = FastAttention.wide(inputs, threads: threads)?.causalPairs ?? TiledAttention.run(inputs, threads: threads).pairs
        }
        let attention = Double(pairs * 4 * shape.headDim) / attentionSeconds
        let bandwidth = Calibration.copyBandwidth(bytes: 512 << 20, threads: threads, runs: runs)
        let peak = Calibration.fmaPeak(threads: threads, runs: runs)
        let memory = Self.physicalMemory()
        let date = Self.today()
        func gflops(_ x: Double) -> String { UnitFormat.fixed(x / 1e9, decimals: 1) }
        let yaml = """
            # The local machine as `lcplan calibrate` measured it on \(date): \(threads) threads, medians of \(runs) runs.
            #   fp32 matmul (\(size)^3, packed, \(Calibration.wideAvailable ? "8 x 32 AVX-512" : "6 x 16 AVX2") block): \(gflops(fp32)) GFLOP/s
            #   bf16-input matmul (rounded to bf16, fp32 products):   \(gflops(bf16)) GFLOP/s
            #   causal attention (8 heads, d 128, 2048 tokens):       \(gflops(attention)) GFLOP/s
            #   STREAM-style copy (read + write, 512 MiB):           \(UnitFormat.fixed(bandwidth / 1e9, decimals: 1)) GB/s
            #   fp32 FMA peak (register-only FMA chains):             \(gflops(peak)) GFLOP/s
            # The peaks below are the measured matmul rates, not the FMA peak.
            device:
              name: local
              kind: cpu
              memory: \(memory)
              memory_bandwidth: \(UnitFormat.fixed(bandwidth / 1e9, decimals: 2))GB/s
              peak: {fp32: \(gflops(fp32))GFLOPS, bf16: \(gflops(bf16))GFLOPS}
              measured: "lcplan calibrate on \(date): packed matmul \(size)^3 and a STREAM-style copy, \(threads) threads"

            """
        let path = output ?? PresetLibrary.calibrationDirectory(ProcessInfo.processInfo.environment) + "/local.yaml"
        // The default place is lcplan's own configuration directory, made when missing; a path given with
        // -o is written only where its directory already exists.
        if output == nil { OutputFile.makeDirectories(LocalPath(path).directory) }
        guard Output.write(yaml, to: path) else { throw ExitCode(2) }
        if !quiet {
            Output.standardOutput(
                """
                fp32 matmul      \(gflops(fp32)) GFLOP/s
                bf16 matmul      \(gflops(bf16)) GFLOP/s
                attention        \(gflops(attention)) GFLOP/s
                memory copy      \(UnitFormat.fixed(bandwidth / 1e9, decimals: 1)) GB/s
                fma peak         \(gflops(peak)) GFLOP/s
                wrote \(path)

                """)
        }
    }

    /// Total memory from /proc/meminfo (bytes), else the process's view.
    static func physicalMemory() -> String {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        {
            return "\(kib)KiB"
        }
        return "\(ProcessInfo.processInfo.physicalMemory)"
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
