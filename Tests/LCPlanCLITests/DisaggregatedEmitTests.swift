import Foundation
import Testing

/// `lcplan emit` for separate prefill and decode pools: the script starts exactly the pools the report costs
/// (its JSON `layout.disaggregated`), one per invocation, each with its own degrees, and the servers run
/// (under a stand-in engine that prints what it was started with) with the flags the engines have.
struct DisaggregatedEmitTests {
    static let example = "examples/llama-3.1-70b-2xh100-disaggregated.yaml"

    /// The two pools of a report (JSON `layout.disaggregated`), and whether they beat the aggregated layout.
    struct Pools {
        let prefill: JSONDocument
        let decode: JSONDocument
        let better: Bool
    }

    static func pools(_ arguments: [String], stdin: String? = nil) throws -> Pools? {
        let result = try CLI.run(arguments + ["--format", "json"], stdin: stdin)
        let pools = try JSONDocument.parse(result.stdout)["layout"]?["disaggregated"]
        guard let prefill = pools?["prefill"], let decode = pools?["decode"], case .bool(let better) = pools?["better"]
        else { return nil }
        return Pools(prefill: prefill, decode: decode, better: better)
    }

    /// A connector config as its keys and string values.
    static func config(_ text: String) throws -> [String: String] {
        guard case .object(let pairs) = try JSONDocument.parse(text) else { return [:] }
        return Dictionary(pairs.map { ($0.0, $0.1.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    /// Writes `script` and a stand-in `program` (it prints CUDA_VISIBLE_DEVICES and its arguments, one per
    /// line) to a directory, then runs `sh script arguments...` with that directory first on PATH.
    static func run(_ script: String, program: String, _ arguments: [String]) throws -> CLI.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-pools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scriptPath = directory.appendingPathComponent("serve.sh").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let stand = directory.appendingPathComponent(program).path
        try Data("#!/bin/sh\nprintf '%s\\n' \"devices=${CUDA_VISIBLE_DEVICES:-all}\" \"$@\"\n".utf8).write(to: URL(fileURLWithPath: stand))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stand)
        let path = directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try CLI.run([scriptPath] + arguments, environment: ["PATH": path, "CUDA_VISIBLE_DEVICES": ""], executable: "/bin/sh")
    }

    /// The value after `flag` in a server's argument lines.
    static func value(_ lines: [String], _ flag: String) -> String? {
        guard let index = lines.firstIndex(of: flag), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    static func int(_ object: JSONDocument, _ key: String) -> Int { object[key]?.int ?? -1 }

    @Test func vllmStartsEachPoolAsTheReportCostsIt() throws {
        let pools = try #require(try Self.pools([Self.example]))
        #expect(pools.better, "the example is meant to show pools that win")
        let emitted = try CLI.run(["emit", Self.example, "--engine", "vllm"])
        #expect(emitted.status == 0, "\(emitted.stderr)")
        for flag in EmitTests.flags(emitted.stdout) { #expect(EmitTests.vllm.contains(flag), "vLLM 0.33.0 has no \(flag)") }
        #expect(emitted.stdout.contains("NixlConnector") && emitted.stdout.contains("unverified"))
        var devices = 0
        for (name, pool) in [("prefill", pools.prefill), ("decode", pools.decode)] {
            let started = try Self.run(emitted.stdout, program: "vllm", [name, "--port", "8100"])
            #expect(started.status == 0, "\(started.stderr)")
            let lines = started.stdout.split(separator: "\n").map(String.init)
            #expect(lines.dropFirst().first == "serve")
            // vLLM's degrees: tp, pp, replicas as data-parallel ranks (1 is left out).
            #expect(Self.value(lines, "--tensor-parallel-size") == "\(Self.int(pool, "tp"))")
            #expect(Self.value(lines, "--pipeline-parallel-size") == "\(Self.int(pool, "pp"))")
            #expect((Self.value(lines, "--data-parallel-size") ?? "1") == "\(Self.int(pool, "dp"))")
            devices += Self.int(pool, "tp") * Self.int(pool, "pp") * Self.int(pool, "dp") * Self.int(pool, "cp")
            // The connector's config is JSON with the verified keys and a verified role.
            let config = try #require(Self.value(lines, "--kv-transfer-config"))
            let object = try Self.config(config)
            #expect(object == ["kv_connector": "NixlConnector", "kv_role": "kv_both"])
            // Arguments after the pool's name reach the server.
            #expect(lines.suffix(2) == ["--port", "8100"])
            // Each pool fills one node of 8 here: the script leaves device selection alone.
            #expect(lines.first == "devices=all")
        }
        #expect(devices == 16)
        // A prefill replica prefills one request at a time (the costing's convention).
        let prefill = try Self.run(emitted.stdout, program: "vllm", ["prefill"])
        #expect(Self.value(prefill.stdout.split(separator: "\n").map(String.init), "--max-num-seqs") == "1")
        // No pool, or an unknown one: the script stops without starting anything.
        let none = try Self.run(emitted.stdout, program: "vllm", [])
        #expect(none.status != 0 && none.stdout.isEmpty)
        let unknown = try Self.run(emitted.stdout, program: "vllm", ["both"])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty && unknown.stderr.contains("prefill|decode"))
    }

    /// Another connector: the prefill server produces the KV cache, the decode server consumes it.
    @Test func namedConnectorTakesDirectedRoles() throws {
        let emitted = try CLI.run(["emit", Self.example, "--engine", "vllm", "--kv-connector", "P2pNcclConnector"])
        #expect(emitted.status == 0, "\(emitted.stderr)")
        for (name, role) in [("prefill", "kv_producer"), ("decode", "kv_consumer")] {
            let started = try Self.run(emitted.stdout, program: "vllm", [name])
            let config = try #require(Self.value(started.stdout.split(separator: "\n").map(String.init), "--kv-transfer-config"))
            let object = try Self.config(config)
            #expect(object == ["kv_connector": "P2pNcclConnector", "kv_role": role])
        }
        // The name lands inside single-quoted JSON: quotes, spaces and shell syntax are refused (exit 2).
        for bad in ["Nixl\"Connector", "a b", "$(reboot)", ""] {
            let refused = try CLI.run(["emit", Self.example, "--engine", "vllm", "--kv-connector", bad])
            #expect(refused.status == 2, "\(bad)")
            #expect(refused.stdout.isEmpty)
        }
    }

    @Test func sglangStartsEachPoolInItsMode() throws {
        let pools = try #require(try Self.pools([Self.example]))
        let emitted = try CLI.run(["emit", Self.example, "--engine", "sglang"])
        #expect(emitted.status == 0, "\(emitted.stderr)")
        // Every flag is engines.md's but the disaggregation mode, which the script marks unverified.
        for flag in EmitTests.flags(emitted.stdout) where flag != "--disaggregation-mode" {
            #expect(EmitTests.sglang.contains(flag), "SGLang 0.5.23 has no \(flag)")
        }
        #expect(emitted.stdout.contains("--disaggregation-mode prefill|decode: unverified"))
        for (name, pool) in [("prefill", pools.prefill), ("decode", pools.decode)] {
            let started = try Self.run(emitted.stdout, program: "python", [name])
            #expect(started.status == 0, "\(started.stderr)")
            let lines = started.stdout.split(separator: "\n").map(String.init)
            #expect(Self.value(lines, "--disaggregation-mode") == name)
            #expect(Self.value(lines, "--tp-size") == "\(Self.int(pool, "tp"))")
            #expect((Self.value(lines, "--dp-size") ?? "1") == "\(Self.int(pool, "dp"))")
        }
    }

    /// TensorRT-LLM's disaggregated launch is not in the engines reference: exit 1 with the reason, and
    /// `--aggregated` launches the aggregated layout the report's other sections describe.
    @Test func aggregatedOnRequest() throws {
        let refused = try CLI.run(["emit", Self.example, "--engine", "trtllm"])
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("--aggregated"))
        let result = try CLI.run(["--format", "json", Self.example])
        let chosen = try #require(try JSONDocument.parse(result.stdout)["layout"])
        for engine in ["trtllm", "vllm"] {
            let aggregated = try CLI.run(["emit", Self.example, "--engine", engine, "--aggregated"])
            #expect(aggregated.status == 0, "\(aggregated.stderr)")
            #expect(!aggregated.stdout.contains("case \"$pool\""))
            #expect(aggregated.stdout.contains("launches the aggregated layout, as --aggregated asks"))
            let tp = engine == "vllm" ? "--tensor-parallel-size" : "--tp_size"
            #expect(aggregated.stdout.contains("\(tp) \(Self.int(chosen, "tp")) "))
        }
    }

    /// Pools that share a node: each takes its own devices there (the prefill pool the first ones), unless
    /// CUDA_VISIBLE_DEVICES is already set.
    @Test func poolsSharingANodeSplitItsDevices() throws {
        let spec = try CLI.read(Self.example).replacingOccurrences(of: "per_node: 8", with: "per_node: 16")
        let pools = try #require(try Self.pools(["-"], stdin: spec))
        try #require(pools.better)
        let emitted = try CLI.run(["emit", "-", "--engine", "vllm"], stdin: spec)
        #expect(emitted.status == 0, "\(emitted.stderr)")
        let size = { (pool: JSONDocument) in Self.int(pool, "tp") * Self.int(pool, "pp") * Self.int(pool, "dp") * Self.int(pool, "cp") }
        let prefillDevices = size(pools.prefill), decodeDevices = size(pools.decode)
        #expect(prefillDevices + decodeDevices == 16)
        let expected = [
            "prefill": (0..<prefillDevices).map(String.init).joined(separator: ","),
            "decode": (prefillDevices..<16).map(String.init).joined(separator: ","),
        ]
        for (name, devices) in expected {
            let started = try Self.run(emitted.stdout, program: "vllm", [name])
            #expect(started.stdout.split(separator: "\n").first.map(String.init) == "devices=\(devices)")
        }
        #expect(emitted.stdout.contains("different ports"))
    }

    /// Without pools that win, the script is the aggregated one, with no pool switch.
    @Test func aggregatedWhenPoolsLose() throws {
        let pools = try #require(try Self.pools(["examples/llama-3.1-70b-8xh200-128k.yaml"]))
        #expect(!pools.better)
        let emitted = try CLI.run(["emit", "examples/llama-3.1-70b-8xh200-128k.yaml", "--engine", "vllm"])
        #expect(emitted.status == 0)
        #expect(!emitted.stdout.contains("case \"$pool\"") && !emitted.stdout.contains("--kv-transfer-config"))
    }
}
