import TrimtabModel
/// The predictors `trimtab forecast` and `trimtab adapt` offer, by name.
public enum ForecasterCatalog {
    /// Every predictor name, in the order tables list them.
    public static let names = ["reactive", "movmax", "ewma", "holt-winters", "ar1", "ar", "ar-round", "logar"]

    /// A fresh (untrained) predictor named `name`, or nil.
    public static func make(_ name: String, window: ForecastWindow) -> (any Forecaster)? {
        switch name {
        case "reactive": return LastValueForecaster()
        case "movmax": return MovingMaximumForecaster()
        case "ewma": return ExponentialSmoothingForecaster(window: window)
        case "holt-winters": return HoltWintersForecaster(window: window)
        case "ar1": return AutoregressiveForecaster(name: name, window: window, order: 1)
        case "ar": return AutoregressiveForecaster(name: name, window: window, order: window.historyBins)
        case "ar-round": return AutoregressiveForecaster(name: name, window: window, order: window.historyBins, rounded: true)
        case "logar": return AutoregressiveForecaster(name: name, window: window, order: window.historyBins, transform: .log, rounded: true)
        default: return nil
        }
    }

    /// Like `make`, but an unknown name is an error naming `field`.
    public static func named(_ name: String, window: ForecastWindow, field: String = "--predictor") throws(TrimtabError) -> any Forecaster {
        guard let f = make(name, window: window) else {
            throw TrimtabError(field: field, "'\(name)' is not a predictor (expected \(names.joined(separator: ", ")))")
        }
        return f
    }
}
