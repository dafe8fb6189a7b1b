import Foundation
import Testing
import TrimtabForecast
import TrimtabModel
import TrimtabSim

/// `simulate` (`--arrivals trace:FILE:SCALE`) and `forecast`/`adapt` (`--trace FILE --scale`) read
/// a trace through the one reader and see the same requests.
@Suite struct TraceAgreementTests {
    /// The Twitter trace at 1/8 (IPA's setting): the total is 1/8 of the unscaled total within one
    /// request, and the simulator's arrival process yields exactly as many arrivals as the
    /// forecasting view holds — second by second. (Before one reader, adapt floored each second and
    /// saw 5.4 % fewer requests than simulate.)
    @Test func simulateAndAdaptSeeTheSameTwitterRequests() throws {
        let path = packageRoot() + "/../shared/reference/traces/twitter_per_second.tbz2"
        let unscaled = try #require(twitterTrace).perSecond
        let unscaledTotal = unscaled.reduce(0, +)
        let adaptView = try LoadTrace.load(path: path, scale: 0.125).perSecond
        let adaptTotal = adaptView.reduce(0, +)
        #expect(abs(adaptTotal - unscaledTotal / 8) <= 1)

        var simulateView = try ArrivalSpecification.arrivalProcess("trace:\(path):0.125")
        var rng = SeededGenerator(seed: 7)
        var perSecond = [Double](repeating: 0, count: adaptView.count)
        var arrivals = 0
        while let t = simulateView.next(using: &rng) {
            arrivals += 1
            let second = Int(t)
            if second < perSecond.count { perSecond[second] += 1 }
        }
        #expect(Double(arrivals) == adaptTotal)
        #expect(perSecond == adaptView)
    }
}
