import Foundation
import Testing
import TrimtabKit
import TrimtabModel

@Test func jobFitRecoversTheModelThatMadeTheJobs() throws {
    // Jobs generated without noise from billed = 4·w + 0.1·N + 0.5·S s at 5e-5 USD per billed
    // second and makespan = 7 + 0.01·w + 0.5·k + 0.1·min(N, k·s): the fit must give these back and
    // predict every left-out job exactly.
    var jobs: [String] = []
    for n in [1000, 5000, 20000] {
        for w in [1, 5, 20, 30] {
            let s = 32, splits = (n + s - 1) / s, waves = (splits + w - 1) / w
            let billed = 4.0 * Double(w) + 0.1 * Double(n) + 0.5 * Double(splits)
            let makespan = 7 + 0.01 * Double(w) + 0.5 * Double(waves) + 0.1 * Double(min(n, waves * s))
            jobs.append(#"{"num_images": \#(n), "num_task_managers": \#(w), "split_size": \#(s), "cost": \#(billed * 5e-5), "#
                + #""latency": \#(makespan), "duration_billed": \#(billed)}"#)
        }
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobfit-\(UUID().uuidString).json").path
    try ("[" + jobs.joined(separator: ",\n") + "]").write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }

    let r = try JobFitOperation.run(.init(runs: path, memoryMB: 2048))
    let m = r.model
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(b)) }
    #expect(r.jobs == 12)
    #expect(close(m.initS, 4) && close(m.perItemS, 0.1) && close(m.perSplitS, 0.5) && close(m.pricePerBilledSecond, 5e-5), "\(m)")
    #expect(close(m.makespan.constantS, 7) && close(m.makespan.perWorkerS, 0.01) && close(m.makespan.perWaveS, 0.5)
            && close(m.makespan.perCriticalItemS, 0.1), "\(m.makespan)")
    #expect(r.leaveOneOut.mechanistic.costMaxPercent < 1e-4 && r.leaveOneOut.mechanistic.makespanMaxPercent < 1e-4)
    // The worker model it makes reads back and is at the requested memory.
    let model = WorkerModelSource.text(r.workerModelYAML, label: "model")
    let p = try JobPredictOperation.run(.init(model: model, items: 5000, workers: 20, splitSize: 32))
    #expect(p.memoryMB == 2048)
    #expect(abs(p.costUSD - (4.0 * 20 + 0.1 * 5000 + 0.5 * 157) * 5e-5) / p.costUSD < 1e-6, "\(p.costUSD)")
    let json = try r.jsonText()
    #expect(json.contains("\"obifaas_published_in_sample\": null") && !json.contains("\"saved\""))
}
