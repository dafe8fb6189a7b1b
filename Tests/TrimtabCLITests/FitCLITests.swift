import Foundation
import Testing
import TrimtabModel
@testable import TrimtabCLI

func referenceFile(_ name: String) -> String { root() + "/../shared/reference/" + name }

/// A real HTTP server on loopback (Python's http.server) doing CPU work proportional to the
/// batch size; it answers 500 for batch size 3.
final class LoopbackServer {
    let process = Process()
    let port: Int

    init() throws {
        let script = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', 0)))
                b = int(self.headers.get('X-Trimtab-Batch-Size', '1'))
                if b == 3:
                    self.send_response(500); self.end_headers(); return
                s = 0
                for i in range(400000 * b): s += i * i
                self.send_response(200); self.end_headers(); self.wfile.write(str(s).encode())
            def log_message(self, *a): pass
        srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(srv.server_address[1], flush=True)
        srv.serve_forever()
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    // SIGKILL: a child started from a dispatch worker thread inherits its blocked signals (SIGTERM).
    deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
}

struct FitCLITests {
    @Test func fitWritesStagesThatParseAndPlan() throws {
        let r = CLI.run(["fit", referenceFile("slapp-alg/App3_Lambda_Logs.csv"), "--memory", "128:3008:64"])
        #expect(r.status == 0)
        let text = "version: 1\n" + r.stdout + "edges:\n  - {from: start, to: f1}\n  - {from: f1, to: f2}\n  - {from: f2, to: f4}\n  - {from: f4, to: end}\n"
        let path = try temporaryFile("fitted.yaml", text)
        let w = try WorkflowParser.load(path: path)
        #expect(w.stages.map(\.name) == ["f1", "f2", "f4"])
        #expect(w.stages[0].variants[0].latency.count == 46)
        #expect(w.stages[0].variants[0].tails.p95.count == 46)
        let plan = CLI.run(["plan", path, "--minimize", "cost", "--max-latency-p95-ms", "3000", "--format", "json"])
        #expect(plan.status == 0)
        let o = try json(plan.stdout)
        let predicted = try #require(o["predicted"] as? [String: Any])
        #expect((predicted["latency_p95_ms"] as? Double ?? 1e9) <= 3000)
    }

    @Test func badCSVExitsTwoWithFileLineAndColumn() throws {
        let bad = try temporaryFile("m.csv", "stage,memory_mb,latency_ms\nf,128,12.5\nf,256,fast\n")
        let r = CLI.run(["fit", bad])
        #expect(r.status == 2)
        #expect(r.stderr == "trimtab: \(bad): line 3: latency_ms: 'fast' is not a number\n")
        let missing = try temporaryFile("n.csv", "stage,latency_ms\nf,1\n")
        #expect(CLI.run(["fit", missing]).stderr.hasPrefix("trimtab: \(missing): line 1: memory_mb: missing column"))
        let empty = try temporaryFile("e.csv", "")
        #expect(CLI.run(["fit", empty]).stderr == "trimtab: \(empty): line 1: the file is empty (expected a header row)\n")
        #expect(CLI.run(["fit", bad, "--memory", "9:1:1"]).status == 2)
        // A memory size beyond Int (the conversion trapped).
        let huge = try temporaryFile("hugemem.csv", "Function,Memory Size,Duration\nf1,99999999999999999999,100\nf1,256,60\n")
        expectBadInputLine(CLI.run(["fit", huge]), naming: ["\(huge): line 2: Memory Size: 1e+20 is not a positive whole number of MB"])
    }

    @Test func importPlansTheMeasuredConfiguration() throws {
        let dir = referenceFile("slapp-aws/App8/")
        let out = try temporaryFile("app8.yaml", "")
        let r = CLI.run(["import", "step-functions", dir + "App8.json", "--logs", dir + "App8_Lambda_Logs.csv",
                         "--runs", dir + "App8_SFN_Logs.csv", "-o", out])
        #expect(r.status == 0)
        let plan = CLI.run(["plan", out, "--minimize", "cost", "--format", "json"])
        let o = try json(plan.stdout)
        let config = try #require(o["configuration"] as? [String: [String: Any]])
        // The measured memory configuration of App8 (the authors' mem_config_list).
        let measured = ["App8_f1": 1536, "App8_f2": 1792, "App8_f3": 576, "App8_f4": 2240, "App8_f5": 896, "App8_f6": 1728, "App8_f7": 128, "App8_f8": 128]
        #expect(config.mapValues { $0["memory_mb"] as? Int ?? 0 } == measured)
        let predicted = try #require(o["predicted"] as? [String: Double])
        #expect(abs((predicted["latency_ms"] ?? 0) - 2705.332) / 2705.332 < 0.02)
        #expect(abs((predicted["cost_per_million_usd"] ?? 0) - 77.9417) / 77.9417 < 0.005)
        let missingLogs = CLI.run(["import", "step-functions", dir + "App8.json", "--logs", dir + "nope.csv"])
        #expect(missingLogs.status == 2 && missingLogs.stderr.hasPrefix("trimtab: \(dir)nope.csv: cannot read"))
    }

    @Test func profileAgainstARealLoopbackServer() throws {
        let server = try LoopbackServer()
        #expect(server.port > 0)
        let payload = try temporaryFile("payload.bin", "hello")
        let csv = payload + ".csv"
        let r = CLI.run(["profile", "--url", "http://127.0.0.1:\(server.port)/", "--payload", payload, "--stage", "work",
                         "--batch-sizes", "1,3,8", "--min-repeats", "3", "--max-repeats", "6", "--cv", "0.5", "-o", csv])
        #expect(r.status == 0)
        #expect(r.stderr.contains("infeasible: HTTP 500"))
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        func mean(_ batch: String) -> Double {
            let v = rows.filter { $0[2] == batch && $0[5] == "ok" }.compactMap { Double($0[4]) }
            return v.reduce(0, +) / Double(max(v.count, 1))
        }
        #expect(rows.filter { $0[2] == "1" }.count >= 3)
        // Real CPU work: 8× the loop takes clearly longer than 1× (HTTP and session set-up included).
        #expect(mean("8") > 1.5 * mean("1"))
        #expect(rows.contains { $0[2] == "3" && $0[5].hasPrefix("infeasible") })
        let fit = CLI.run(["fit", csv, "--format", "json"])
        #expect(fit.status == 0)
    }

    @Test func variantsAndBatchSizesBecomeVariantTablesAtTheChosenBatch() throws {
        var csv = "stage,variant,memory_mb,batch_size,latency_ms\n"
        for (variant, scale) in [("small", 1.0), ("large", 2.5)] {
            for m in [512, 1024, 2048, 4096] {
                for b in [1, 4] {
                    let latency = scale * (100 + 20 * Double(b)) * (1 + 2000 / Double(m))
                    csv += "classify,\(variant),\(m),\(b),\(latency)\nclassify,\(variant),\(m),\(b),\(latency * 1.02)\n"
                }
            }
        }
        let path = try temporaryFile("v.csv", csv)
        let r = CLI.run(["fit", path, "--batch-size", "4", "--memory", "512,1024"])
        #expect(r.status == 0)
        let w = try WorkflowParser.parse(text: "version: 1\n" + r.stdout + "edges:\n  - {from: start, to: classify}\n  - {from: classify, to: end}\n")
        let stage = try #require(w.stages.first)
        #expect(stage.hasVariants && stage.variants.map(\.name) == ["small", "large"])
        // The power law a + b·m^−1 holds exactly: the 512 MB entry at batch 4 is its mean.
        let small = stage.variants[0].latency.first { $0.memoryMB == 512 }?.latencyMs ?? 0
        #expect(abs(small - 180 * (1 + 2000.0 / 512) * 1.01) / small < 1e-3)
        let json = try json(CLI.run(["fit", path, "--format", "json"]).stdout)
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.count == 2 && stages.allSatisfy { ($0["cv_mape_percent"] as? Double ?? 100) < 0.5 })
    }
}
