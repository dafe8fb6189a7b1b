import Foundation
import TrimtabModel

extension SeededGenerator {
    /// A uniform draw in the open interval (0, 1): never 0, so that `log` of it is finite.
    @inline(__always) public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// An exponential draw with mean `mean`.
    @inline(__always) public mutating func exponential(mean: Double) -> Double {
        -mean * Foundation.log(uniform())
    }

    /// A standard normal draw (Box–Muller; one of the pair is used, so draws stay independent of call order).
    @inline(__always) public mutating func standardNormal() -> Double {
        let r = (-2 * Foundation.log(uniform())).squareRoot()
        return r * Foundation.cos(2 * Double.pi * uniform())
    }
}
