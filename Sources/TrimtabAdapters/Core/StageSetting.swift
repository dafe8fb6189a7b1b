/// What the controller wants one stage to run with: the core's `StageSetting` (TrimtabModel),
/// which the sinks apply. Re-exported (the declaration itself, not a second name for it), so an
/// adapter and its callers need no import of the core for it and see one `StageSetting`.
@_exported import struct TrimtabModel.StageSetting
