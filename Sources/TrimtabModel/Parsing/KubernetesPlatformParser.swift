extension WorkflowParser {
    /// Reads the Kubernetes extension of `platform`: `price_per_core_hour` (USD per CPU core per hour).
    static func parseKubernetesPlatform(_ reader: FieldReader, into platform: inout Platform) throws(TrimtabError) {
        if let r = try reader.optional("price_per_core_hour") {
            platform.pricePerCoreHour = try price(r)
        }
    }
}
