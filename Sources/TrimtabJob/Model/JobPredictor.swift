import TrimtabModel

/// Closed-form prediction of a job run with dynamic allocation (workers pull the next split
/// when done) and deterministic split times.
///
/// With equal full-split time t and all workers ready after init, splits go out in waves of w:
/// k = ⌈S/w⌉ waves, the last holding r = S − (k−1)w splits. Worker i < r does k splits, the others
/// k − 1; the partial last split goes to worker r − 1. The makespan is init + (k−1)t + (t if r ≥ 2
/// else t_last), plus the job's startup and launch ramp; each worker is billed its own duration,
/// rounded up to the platform's granularity. Split times are stretched by the setup's
/// contention factor at w workers (`WorkerSetup.contention`).
public enum JobPredictor {
    /// The prediction for `shape` on `setup`, or nil when the setup cannot price the split size
    /// (a table without that size) or the shape is empty.
    public static func predict(_ shape: JobShape, setup: WorkerSetup, model: WorkerModel) -> JobPrediction? {
        let s = shape.splitSize
        guard shape.items > 0, s > 0, shape.workers > 0,
              let fullAlone = setup.splitTime.seconds(items: s, splitSize: s),
              let lastAlone = setup.splitTime.seconds(items: shape.lastSplitItems, splitSize: s) else { return nil }
        let splits = shape.splits
        let w = shape.activeWorkers
        let contention = setup.contention(activeWorkers: w)
        let full = fullAlone * contention
        let last = lastAlone * contention
        let k = shape.waves
        let r = splits - (k - 1) * w
        let base = setup.initS + setup.workerOverheadS

        let makespan: Double
        if let law = model.makespanLaw {
            let critical = Double(min(shape.items, k * s))
            makespan = law.constantS + law.perWorkerS * Double(w) + law.perWaveS * Double(k) + law.perCriticalItemS * critical * contention
        } else {
            let tail = r >= 2 ? full : last
            makespan = model.startupS + model.launchSPerWorker * Double(w - 1) + setup.initS + Double(k - 1) * full + tail
        }

        let platform = model.platform
        func billed(_ seconds: Double) -> Double { platform.billedMilliseconds(seconds * 1000) / 1000 }
        var billedSeconds = Double(r - 1) * billed(base + Double(k) * full)
        billedSeconds += billed(base + Double(k - 1) * full + last)
        if w > r { billedSeconds += Double(w - r) * billed(base + Double(k - 1) * full) }
        let gbSeconds = billedSeconds * Double(setup.memoryMB) / 1024
        let cost = gbSeconds * platform.pricePerGBSecond + Double(w) * model.requestsPerWorker * platform.pricePerRequest
        return JobPrediction(makespanS: makespan, costUSD: cost, billedSeconds: billedSeconds, items: shape.items)
    }
}
