import Foundation
import TrimtabModel

extension ArrivalSpecification {
    /// The arrival process `text` (the one `--arrivals` grammar) describes, as the simulator
    /// samples it. Files are read here; errors name the flag or file.
    public static func arrivalProcess(_ text: String, flag: String = "--arrivals") throws(TrimtabError) -> any ArrivalProcess {
        try parse(text, flag: flag).arrivalProcess(flag: flag)
    }

    /// The arrival process this specification describes, its files read.
    public func arrivalProcess(flag: String = "--arrivals") throws(TrimtabError) -> any ArrivalProcess {
        switch self {
        case .poisson(let rate):
            return PoissonArrivals(rate: rate)
        case .trace(let path, let scale):
            do throws(TrimtabError) {
                return try TraceArrivals(trace: PerSecondTrace.read(path: path), scale: scale)
            } catch {
                throw error.field == "--scale" ? TrimtabError(field: flag, "trace scale: \(error.message)") : error
            }
        case .timestamps(let path, let scale):
            return TimestampArrivals(times: try ArrivalTimestamps.read(path: path, scale: scale))
        case .map(let path, let trace, let hour):
            return try MarkovianArrivals.load(path: path, trace: trace, hour: hour)
        }
    }
}
