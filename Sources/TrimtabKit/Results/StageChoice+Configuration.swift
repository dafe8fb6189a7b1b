import TrimtabModel

extension StageChoice {
    /// The configuration of `optionIndices` (one option per stage), in workflow order, as the
    /// spec prints it: `{"resize": {"memory_mb": 512}, "classify": {"variant": …, "memory_mb": …}}`.
    public static func configuration(_ model: WorkflowModel, _ optionIndices: [Int]) -> StageMap<StageChoice> {
        let config = model.configuration(optionIndices: optionIndices)
        return StageMap(model.workflow.stages.compactMap { stage in
            guard let c = config[stage.name] else { return nil }
            return (stage.name, c)
        })
    }

    /// `variant@memory` or `memory`, for one-line listings.
    public var shortText: String { (variant.map { "\($0)@" } ?? "") + "\(memoryMB)" }
}
