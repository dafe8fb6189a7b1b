import TrimtabModel

/// The safety rules between a new plan and what is running.
///
/// - `minSecondsBetweenChanges`: a stage changed less than this long ago is left alone, except
///   to scale up (capacity for more load is never held back).
/// - `maxScaleDownStep`: replicas (or Lambda concurrency) go down by at most this many per
///   iteration; going up may jump to the target at once.
/// - `minGain`: a new variant or memory size is applied only if it improves the goal's objective
///   by at least this fraction over what is running (or if what is running breaks a bound).
/// - `minReplicas`/`maxReplicas`: capacity is kept in this range; `minReplicas` ≥ 1 means never zero.
public struct Guardrails: Sendable, Equatable {
    public var minSecondsBetweenChanges: Double
    public var maxScaleDownStep: Int
    public var minGain: Double
    public var minReplicas: Int
    public var maxReplicas: Int

    public init(minSecondsBetweenChanges: Double = 60, maxScaleDownStep: Int = 1, minGain: Double = 0.05,
                minReplicas: Int = 1, maxReplicas: Int = 1000) {
        self.minSecondsBetweenChanges = minSecondsBetweenChanges
        self.maxScaleDownStep = maxScaleDownStep
        self.minGain = minGain
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    /// No guardrails: every plan is applied in full at once (the replay's default).
    public static let none = Guardrails(minSecondsBetweenChanges: 0, maxScaleDownStep: .max, minGain: -.infinity,
                                        minReplicas: 1, maxReplicas: .max)

    /// What to apply now, stage by stage, and why anything was held back.
    ///
    /// - Parameters:
    ///   - desired: the plan, one setting per stage (capacity already clamped to the range).
    ///   - running: what is believed to run now, by stage (absent: unknown, apply the plan).
    ///   - lastChange: when each stage was last changed (seconds since 1970).
    ///   - now: the current time (seconds since 1970).
    ///   - gain: the relative improvement of the plan's variant/memory choice over the running one
    ///     (nil when nothing is running yet or the running choice breaks a bound).
    public func filter(desired: [StageSetting], running: [String: StageSetting], lastChange: [String: Double],
                       now: Double, gain: Double?) -> (changes: [StageSetting], held: [String]) {
        var changes: [StageSetting] = []
        var held: [String] = []
        let configurationWorthIt = gain.map { $0 >= minGain } ?? true
        for target in desired {
            guard let current = running[target.stage] else {
                changes.append(target)
                continue
            }
            var change = StageSetting(stage: target.stage)
            // Variant, memory, batch size, cores: a value not known to run is set; a known one
            // is replaced only for a large enough gain.
            change.variant = unknown(target.variant, current.variant)
            change.memoryMB = unknown(target.memoryMB, current.memoryMB)
            change.batchSize = unknown(target.batchSize, current.batchSize)
            change.cpuCores = unknown(target.cpuCores, current.cpuCores)
            let configurationDiffers = replaces(target.variant, current.variant) || replaces(target.memoryMB, current.memoryMB)
                || replaces(target.batchSize, current.batchSize) || replaces(target.cpuCores, current.cpuCores)
            if configurationDiffers {
                if configurationWorthIt {
                    if replaces(target.variant, current.variant) { change.variant = target.variant }
                    if replaces(target.memoryMB, current.memoryMB) { change.memoryMB = target.memoryMB }
                    if replaces(target.batchSize, current.batchSize) { change.batchSize = target.batchSize }
                    if replaces(target.cpuCores, current.cpuCores) { change.cpuCores = target.cpuCores }
                } else {
                    held.append("\(target.stage): gain \(percent(gain ?? 0)) below min_gain \(percent(minGain))")
                }
            }
            var scalingUp = false
            var stepNotes: [String] = []
            change.replicas = stepped(target.replicas, from: current.replicas, stage: target.stage, held: &stepNotes, up: &scalingUp)
            change.concurrency = stepped(target.concurrency, from: current.concurrency, stage: target.stage, held: &stepNotes, up: &scalingUp)
            if change.isEmpty { continue }
            if let last = lastChange[target.stage], now - last < minSecondsBetweenChanges {
                // Cooling down: only a scale-up goes through.
                if scalingUp {
                    let up = StageSetting(stage: target.stage,
                                          replicas: change.replicas.flatMap { $0 > (current.replicas ?? 0) ? $0 : nil },
                                          concurrency: change.concurrency.flatMap { $0 > (current.concurrency ?? 0) ? $0 : nil })
                    changes.append(up)
                }
                held.append("\(target.stage): changed \(Int(now - last)) s ago (min_seconds_between_changes \(Int(minSecondsBetweenChanges)))")
                continue
            }
            held.append(contentsOf: stepNotes)
            changes.append(change)
        }
        return (changes, held)
    }

    /// The next capacity toward `target` from `current`: down by at most `maxScaleDownStep`.
    private func stepped(_ target: Int?, from current: Int?, stage: String, held: inout [String], up: inout Bool) -> Int? {
        guard let target, target != current else { return nil }
        guard let current else { return target }
        if target > current {
            up = true
            return target
        }
        let next = max(target, current - maxScaleDownStep)
        if next != target { held.append("\(stage): scale-down \(current)→\(target) limited to \(next) (max_scale_down_step \(maxScaleDownStep))") }
        return next
    }

    /// The target when nothing is known to run for this field.
    private func unknown<T>(_ target: T?, _ current: T?) -> T? { current == nil ? target : nil }

    /// True when a known running value would be replaced by a different one.
    private func replaces<T: Equatable>(_ target: T?, _ current: T?) -> Bool {
        guard let target, let current else { return false }
        return target != current
    }

    private func percent(_ x: Double) -> String {
        let p = (x * 1000).rounded() / 10
        return "\(p)%"
    }
}
