import Testing
import TrimtabAdaptation
import TrimtabAdapters
@testable import TrimtabControl

@Suite struct GuardrailsTests {
    let guardrails = Guardrails(minSecondsBetweenChanges: 60, maxScaleDownStep: 2, minGain: 0.05)

    @Test func unknownRunningStateAppliesThePlanWhole() {
        let desired = [StageSetting(stage: "a", variant: "v", replicas: 3)]
        let result = guardrails.filter(desired: desired, running: [:], lastChange: [:], now: 0, gain: nil)
        #expect(result.changes == desired)
        #expect(result.held.isEmpty)
    }

    @Test func scaleDownIsSteppedScaleUpJumps() {
        let running = ["a": StageSetting(stage: "a", replicas: 10), "b": StageSetting(stage: "b", replicas: 2)]
        let desired = [StageSetting(stage: "a", replicas: 3), StageSetting(stage: "b", replicas: 9)]
        let result = guardrails.filter(desired: desired, running: running, lastChange: [:], now: 0, gain: nil)
        #expect(result.changes == [StageSetting(stage: "a", replicas: 8), StageSetting(stage: "b", replicas: 9)])
        #expect(result.held == ["a: scale-down 10→3 limited to 8 (max_scale_down_step 2)"])
    }

    @Test func cooldownHoldsEverythingButScaleUp() {
        let running = ["a": StageSetting(stage: "a", variant: "x", replicas: 4), "b": StageSetting(stage: "b", replicas: 4)]
        let desired = [StageSetting(stage: "a", variant: "y", replicas: 6), StageSetting(stage: "b", replicas: 2)]
        let result = guardrails.filter(desired: desired, running: running, lastChange: ["a": 970, "b": 990], now: 1000, gain: 0.5)
        // a: the scale-up goes through, the variant change waits; b: the scale-down waits.
        #expect(result.changes == [StageSetting(stage: "a", replicas: 6)])
        #expect(result.held.count == 2)
        // After the cooldown both go through (b stepped by 2).
        let later = guardrails.filter(desired: desired, running: running, lastChange: ["a": 970, "b": 990], now: 1060, gain: 0.5)
        #expect(later.changes == [StageSetting(stage: "a", variant: "y", replicas: 6), StageSetting(stage: "b", replicas: 2)])
    }

    @Test func smallGainKeepsTheRunningConfiguration() {
        let running = ["a": StageSetting(stage: "a", variant: "x", memoryMB: 1024, concurrency: 3)]
        let desired = [StageSetting(stage: "a", variant: "y", memoryMB: 2048, concurrency: 3)]
        let small = guardrails.filter(desired: desired, running: running, lastChange: [:], now: 0, gain: 0.049)
        #expect(small.changes.isEmpty)
        #expect(small.held == ["a: gain 4.9% below min_gain 5.0%"])
        let large = guardrails.filter(desired: desired, running: running, lastChange: [:], now: 0, gain: 0.05)
        #expect(large.changes == [StageSetting(stage: "a", variant: "y", memoryMB: 2048)])
    }

    @Test func nothingToDoWhenThePlanIsRunning() {
        let running = ["a": StageSetting(stage: "a", variant: "x", replicas: 2)]
        let result = guardrails.filter(desired: [StageSetting(stage: "a", variant: "x", replicas: 2)], running: running,
                                       lastChange: [:], now: 0, gain: 0)
        #expect(result.changes.isEmpty)
        #expect(result.held.isEmpty)
    }
}
