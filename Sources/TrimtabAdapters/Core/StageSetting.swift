import TrimtabModel

/// What the controller wants one stage to run with: the core's `StageSetting` (TrimtabModel),
/// which the sinks apply. Named here so an adapter needs no import of the core for it.
public typealias StageSetting = TrimtabModel.StageSetting
