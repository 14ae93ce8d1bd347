import Foundation
import Testing

/// Issue 24, item 1: one script, run on every node. Emitted scripts run under stand-in engines (which print
/// their arguments) on a simulated node 0 and node 1, with the generic variables or SLURM's; the recorded
/// commands carry each node's rank, node 0's address and port, and the engine's multi-node form from
/// engines.md part 2. Every emitted script is shellcheck-clean.
struct MultiNodeEmitTests {
    /// Llama 3.1 405B served over two nodes of 8 H100 (812 GB of bf16 weights need both), tp 8 x pp 2.
    static let serving = """
        version: 1
        model: llama-3.1-405b
        hardware: {device: h100-sxm, count: 16}
        workload: {context: 32k, batch: 8, output_tokens: 256}
        plan: {tp: 8, pp: 2}
        """

    /// Llama 3.1 8B trained on two nodes of 8 H100 with a layout torchtitan and Megatron-LM both run.
    static let training = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 16}
        workload: {mode: training, context: 8k, global_batch: 64}
        plan: {tp: 8, pp: 1, cp: 1, dp: 2, zero: 1, recompute: selective, micro_batch: 1}
        """

    /// Runs `script` with stand-ins for `programs` (each prints its name and arguments, one per line) and a
    /// `scontrol` that lists two hosts, under `environment`.
    static func run(_ script: String, programs: [String], environment: [String: String]) throws -> CLI.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("node.sh").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        for program in programs {
            let stand = directory.appendingPathComponent(program).path
            try Data("#!/bin/sh\nprintf '%s\\n' \(program) \"$@\"\n".utf8).write(to: URL(fileURLWithPath: stand))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stand)
        }
        let scontrol = directory.appendingPathComponent("scontrol").path
        try Data("#!/bin/sh\nprintf 'gpu-a01\\ngpu-a02\\n'\n".utf8).write(to: URL(fileURLWithPath: scontrol))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scontrol)
        var env = environment
        env["PATH"] = directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for name in ["NNODES", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT", "SLURM_NNODES", "SLURM_NODEID", "SLURM_JOB_NODELIST"]
        where env[name] == nil {
            env[name] = ""
        }
        return try CLI.run([path], environment: env, executable: "/bin/sh")
    }

    static func emit(_ spec: String, _ engine: String) throws -> String {
        let result = try CLI.run(["emit", "-", "--engine", engine], stdin: spec)
        #expect(result.status == 0, "\(engine): \(result.stderr)")
        return result.stdout
    }

    static func value(_ lines: [String], _ flag: String) -> String? {
        guard let index = lines.firstIndex(of: flag), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    static func generic(rank: Int) -> [String: String] { ["NNODES": "2", "NODE_RANK": "\(rank)", "MASTER_ADDR": "10.0.0.1"] }

    @Test func vllmStartsHeadAndHeadlessWorkers() throws {
        let script = try Self.emit(Self.serving, "vllm")
        for rank in [0, 1] {
            let run = try Self.run(script, programs: ["vllm"], environment: Self.generic(rank: rank).merging(["MODEL": "m"]) { a, _ in a })
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.prefix(3) == ["vllm", "serve", "m"])
            #expect(Self.value(lines, "--nnodes") == "2" && Self.value(lines, "--node-rank") == "\(rank)")
            #expect(Self.value(lines, "--master-addr") == "10.0.0.1" && Self.value(lines, "--master-port") == "29501")
            #expect(Self.value(lines, "--tensor-parallel-size") == "8" && Self.value(lines, "--pipeline-parallel-size") == "2")
            #expect(lines.contains("--headless") == (rank != 0))
        }
    }

    @Test func sglangStartsTheSameServerOnEveryNode() throws {
        let script = try Self.emit(Self.serving, "sglang")
        for rank in [0, 1] {
            let run = try Self.run(
                script, programs: ["python"], environment: Self.generic(rank: rank).merging(["MODEL": "m"]) { a, _ in a })
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.prefix(3) == ["python", "-m", "sglang.launch_server"])
            #expect(Self.value(lines, "--nnodes") == "2" && Self.value(lines, "--node-rank") == "\(rank)")
            #expect(Self.value(lines, "--dist-init-addr") == "10.0.0.1:20000")
            #expect(Self.value(lines, "--tp-size") == "8" && Self.value(lines, "--pp-size") == "2")
        }
    }

    /// Replicas that each fill a node (DeepSeek-V3: two replicas of tp 8 on two nodes of 8 H200): SGLang takes no
    /// data parallelism across nodes, so every node starts its own server of its replicas, no node flags.
    @Test func sglangReplicasRunOneServerPerNode() throws {
        let script = try CLI.run(["emit", "examples/deepseek-v3-serving.yaml", "--engine", "sglang"]).stdout
        for rank in [0, 1] {
            let run = try Self.run(
                script, programs: ["python"], environment: Self.generic(rank: rank).merging(["MODEL": "m"]) { a, _ in a })
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(Self.value(lines, "--tp-size") == "8" && Self.value(lines, "--attn-dp-size") == "8")
            #expect(!lines.contains("--nnodes") && !lines.contains("--dp-size"))
        }
        #expect(script.contains("each starts its own server of 1 replica"))
    }

    /// Issue 24, item 2: emit searches within the engine's rules. Llama 3 405B at 128K with Meta's degrees fixed
    /// (tp 8, cp 16, pp 16, dp 8 on 16,384 H100): the unrestricted search picks ZeRO-3 and vpp, which Megatron-LM
    /// cannot run; emit --engine megatron writes the best layout Megatron-LM runs, says so, and launches it on
    /// 2,048 nodes.
    @Test func megatronGetsALayoutItCanRun() throws {
        let spec = """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h100-sxm, count: 16384, per_node: 8}
            workload: {mode: training, context: 128k, global_batch: 1024, dtype: bf16}
            plan: {tp: 8, cp: 16, pp: 16, dp: 8}
            """
        let plan = try JSONDocument.parse(try CLI.run(["plan", "-", "--format", "json"], stdin: spec).stdout)
        #expect(plan["layout"]?["zero"]?.int == 3, "the unrestricted search picks what Megatron-LM refuses")
        let script = try Self.emit(spec, "megatron")
        #expect(script.contains("Searched within Megatron-LM core_v0.19.0's start-up rules"))
        for flag in ["--tensor-model-parallel-size", "8", "--context-parallel-size", "16", "--pipeline-model-parallel-size"] {
            #expect(script.contains(flag))
        }
        let run = try Self.run(script, programs: ["torchrun"], environment: ["NNODES": "2048", "NODE_RANK": "2047", "MASTER_ADDR": "h"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(Self.value(lines, "--nnodes") == "2048" && Self.value(lines, "--node_rank") == "2047")
    }

    /// Issue 24: the overlaps the plan costs are the flags the script sets. Data parallelism over 2 nodes with
    /// the distributed optimizer: gradient reduction overlapped with backward, parameter all-gather with forward.
    @Test func megatronSetsTheOverlapsThePlanCosts() throws {
        let script = try Self.emit(Self.training, "megatron")
        for flag in ["--use-distributed-optimizer", "--overlap-grad-reduce", "--overlap-param-gather"] {
            #expect(script.contains("  \(flag) \\"), "\(flag)")
        }
        let single = Self.training.replacingOccurrences(of: "count: 16", with: "count: 8")
            .replacingOccurrences(of: "dp: 2, zero: 1", with: "dp: 1, zero: 0")
        #expect(!(try Self.emit(single, "megatron")).contains("--overlap-grad-reduce"))
    }

    /// torchrun's static rendezvous: the same node count, workers per node and master on every node, each
    /// node its own rank; under SLURM the rank is SLURM_NODEID and the master the allocation's first host.
    @Test(arguments: ["megatron", "torchtitan"])
    func torchrunJoinsTheNodes(engine: String) throws {
        let script = try Self.emit(Self.training, engine)
        for rank in [0, 1] {
            let slurm = ["SLURM_NNODES": "2", "SLURM_NODEID": "\(rank)", "SLURM_JOB_NODELIST": "gpu-a[01-02]"]
            for environment in [Self.generic(rank: rank), slurm] {
                let run = try Self.run(script, programs: ["torchrun"], environment: environment)
                #expect(run.status == 0, "\(run.stderr)")
                let lines = run.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first == "torchrun")
                #expect(Self.value(lines, "--nnodes") == "2" && Self.value(lines, "--nproc_per_node") == "8")
                #expect(Self.value(lines, "--node_rank") == "\(rank)" && Self.value(lines, "--master_port") == "29500")
                #expect(Self.value(lines, "--master_addr") == (environment["MASTER_ADDR"] ?? "gpu-a01"))
            }
        }
    }

    /// A node without its variables, or a job of another size, stops before anything starts.
    @Test func missingOrWrongVariablesStop() throws {
        let script = try Self.emit(Self.training, "megatron")
        let missing = try Self.run(script, programs: ["torchrun"], environment: ["NNODES": "2", "MASTER_ADDR": "h"])
        #expect(missing.status != 0 && missing.stderr.contains("NODE_RANK") && missing.stdout.isEmpty)
        let wrong = try Self.run(script, programs: ["torchrun"], environment: ["NNODES": "4", "NODE_RANK": "0", "MASTER_ADDR": "h"])
        #expect(wrong.status == 2 && wrong.stderr.contains("runs on 2 nodes") && wrong.stdout.isEmpty)
        let beyond = try Self.run(script, programs: ["torchrun"], environment: ["NNODES": "2", "NODE_RANK": "2", "MASTER_ADDR": "h"])
        #expect(beyond.status == 2 && beyond.stdout.isEmpty)
        let word = try Self.run(script, programs: ["torchrun"], environment: ["NNODES": "2", "NODE_RANK": "one", "MASTER_ADDR": "h"])
        #expect(word.status == 2 && word.stdout.isEmpty)
    }

    /// torchtitan's ring is PyTorch's "alltoall" rotate method ("allgather" gathers all K/V at once).
    @Test func torchtitanRingRotatesByAllToAll() throws {
        let ring = Self.training.replacingOccurrences(of: "tp: 8, pp: 1, cp: 1, dp: 2", with: "tp: 4, pp: 1, cp: 2, cp_kind: ring, dp: 2")
        let script = try Self.emit(ring, "torchtitan")
        #expect(script.contains("context_parallel_rotate_method = \"alltoall\""))
    }

    /// shellcheck (a Debian package; make test installs it) finds nothing in any emitted script: every
    /// example for every engine that runs it, and the multi-node specs.
    @Test func emittedScriptsAreShellcheckClean() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck") else {
            print("skipped: shellcheck is not installed (make test installs it)")
            return
        }
        var scripts: [(String, String)] = []
        for example in CLI.examples {
            for engine in ["vllm", "sglang", "trtllm", "megatron", "torchtitan", "deepspeed"] {
                let result = try CLI.run(["emit", example, "--engine", engine])
                if result.status == 0 { scripts.append(("\(example) \(engine)", result.stdout)) }
            }
        }
        for (spec, engines) in [(Self.serving, ["vllm", "sglang"]), (Self.training, ["megatron", "torchtitan"])] {
            for engine in engines { scripts.append(("multi-node \(engine)", try Self.emit(spec, engine))) }
        }
        #expect(scripts.count >= 20)
        for (name, script) in scripts {
            let result = try CLI.run(["-s", "sh", "-"], stdin: script, executable: "/usr/bin/shellcheck")
            #expect(result.status == 0, "\(name): \(result.stdout)")
        }
    }
}
