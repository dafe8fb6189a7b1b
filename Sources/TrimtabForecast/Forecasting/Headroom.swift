import TrimtabModel

/// The capacity factor applied to a forecast (`forecast --headroom`, `adapt --headroom`, a control
/// configuration's `headroom`): 1 plans for the forecast itself, 1.2 for 20 % above it.
public enum Headroom {
    /// The largest factor accepted: planning for 100 times the forecast is already far beyond any
    /// use; larger factors only overflow the loads planned for (1e308 made predictions NaN).
    public static let maximum = 100.0

    /// `value` checked: a number in [1, `maximum`]; errors name `field`.
    public static func check(_ value: Double, field: String) throws(TrimtabError) -> Double {
        guard value.isFinite, value >= 1 else {
            throw TrimtabError(field: field, "\(value) must be at least 1 (a capacity factor: 1.2 is 20% above the forecast)")
        }
        guard value <= maximum else {
            throw TrimtabError(field: field, "\(value) is more than \(Int(maximum)), the largest headroom factor accepted")
        }
        return value
    }
}
