import Foundation
import TrimtabModel

/// Obi-FaaS's cost-per-request regression: accumulated init time
/// T_init = exp(α0 + α1 ln w) and accumulated function time T_acc = exp(β3 + β2 ln N + β1 ln w),
/// cost = (T_init + T_acc) × price per billed second.
///
/// It predicts no makespan; we take the per-worker share (T_init + T_acc) / w, the job's
/// duration if the work were spread perfectly evenly — the best that model can say.
public struct ObiFaaSRegression: JobLevelModel, Equatable {
    public var alpha0: Double
    public var alpha1: Double
    public var beta1: Double
    public var beta2: Double
    public var beta3: Double
    public var pricePerBilledSecond: Double

    public init(alpha0: Double, alpha1: Double, beta1: Double, beta2: Double, beta3: Double, pricePerBilledSecond: Double) {
        self.alpha0 = alpha0
        self.alpha1 = alpha1
        self.beta1 = beta1
        self.beta2 = beta2
        self.beta3 = beta3
        self.pricePerBilledSecond = pricePerBilledSecond
    }

    /// The published coefficients (`cpr_model.json`: init.intercept/coef, acc.intercept/coef_i/coef_f).
    public static func load(path: String, pricePerBilledSecond: Double) throws(TrimtabError) -> ObiFaaSRegression {
        let value = try Value.load(path: path)
        let root = FieldReader(value)
        do throws(TrimtabError) {
            let initR = try root.required("init")
            let acc = try root.required("acc")
            return ObiFaaSRegression(alpha0: try initR.required("intercept").double(), alpha1: try initR.required("coef").double(),
                                 beta1: try acc.required("coef_f").double(), beta2: try acc.required("coef_i").double(),
                                 beta3: try acc.required("intercept").double(), pricePerBilledSecond: pricePerBilledSecond)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Refits the same log-linear form by ordinary least squares in log space, as the authors did.
    public static func fit(_ runs: [JobRun]) -> ObiFaaSRegression? {
        let usable = runs.filter { ($0.initS ?? 0) > 0 && ($0.functionS ?? 0) > 0 }
        guard usable.count >= 3, let price = BilledPrice.fit(usable),
              let a = LeastSquares.ordinary(usable.map { [1, log(Double($0.workers))] }, usable.map { log($0.initS ?? 1) }),
              let b = LeastSquares.ordinary(usable.map { [1, log(Double($0.items)), log(Double($0.workers))] },
                                            usable.map { log($0.functionS ?? 1) }) else { return nil }
        return ObiFaaSRegression(alpha0: a[0], alpha1: a[1], beta1: b[2], beta2: b[1], beta3: b[0], pricePerBilledSecond: price)
    }

    func billedSeconds(_ shape: JobShape) -> Double {
        let w = log(Double(shape.workers))
        return exp(alpha0 + alpha1 * w) + exp(beta3 + beta2 * log(Double(shape.items)) + beta1 * w)
    }

    /// Cost (USD): (T_init + T_acc) × price per billed second.
    public func predictCost(_ shape: JobShape) -> Double { billedSeconds(shape) * pricePerBilledSecond }
    /// (T_init + T_acc) / w: the per-worker share (the model predicts no makespan of its own).
    public func predictMakespan(_ shape: JobShape) -> Double { billedSeconds(shape) / Double(shape.workers) }
}
