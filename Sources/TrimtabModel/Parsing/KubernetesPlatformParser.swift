extension WorkflowParser {
    /// Reads the Kubernetes extension of `platform`: `price_per_core_hour` (USD per CPU core per hour).
    static func parseKubernetesPlatform(_ reader: FieldReader, into platform: inout Platform) throws(TrimtabError) {
        if let r = try reader.optional("price_per_core_hour") {
            let price = try r.double()
            guard price >= 0 else { throw r.error("\(format(price)) must not be negative") }
            platform.pricePerCoreHour = price
        }
    }
}
