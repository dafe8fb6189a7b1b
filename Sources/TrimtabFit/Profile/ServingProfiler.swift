import TrimtabModel

/// Something that profiles one stage of a running serving engine (the adapters' Ray Serve
/// profiler): the serving counterpart of `Invoker`, so that the application layer runs a profile
/// without networking of its own.
public protocol ServingProfiler: Sendable {
    /// Checks that the application and the stage's deployment exist: bad input (naming the field)
    /// when they do not, unavailable when the engine cannot be read.
    func verify() async throws(TrimtabError)
    /// Measures every setting of the plan and puts the stage back as it was; `progress(done, total)`
    /// after each setting.
    func run(progress: @escaping @Sendable (Int, Int) -> Void) async -> [ServingProfileSeries]
}
