import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

@Suite struct PrometheusSourceTests {
    static func ok(_ json: String) -> Result<HTTPResponseData, any Error> { .success(HTTPResponseData(status: 200, body: Data(json.utf8))) }

    @Test func instantQuerySumsTheVectorAndEncodesPlus() async throws {
        let transport = ScriptedTransport([Self.ok(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1.5,"2.5"]},{"metric":{"a":"2"},"value":[1.5,"4"]}]}}"#)])
        let source = PrometheusSource(baseURL: "http://prom:9090/", query: "sum(rate(a[1m])) + 1", transport: transport, now: { 100 })
        #expect(try await source.currentRate() == 6.5)
        #expect(transport.requests.first?.url == "http://prom:9090/api/v1/query?query=sum%28rate%28a%5B1m%5D%29%29%20%2B%201&time=100.000")
    }

    @Test func emptyResultIsNoDataNotZero() async throws {
        let transport = ScriptedTransport([Self.ok(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)])
        let source = PrometheusSource(baseURL: "http://prom:9090", query: "q", transport: transport)
        #expect(try await source.currentRate() == nil)
    }

    @Test func rangeQueryReturnsValuesOldestFirst() async throws {
        let transport = ScriptedTransport([Self.ok(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[10,"1"],[20,"2"],[30,"NaN"],[40,"3"]]}]}}"#)])
        let source = PrometheusSource(baseURL: "http://prom:9090", query: "q", transport: transport, now: { 40 })
        #expect(try await source.history(seconds: 30, stepSeconds: 10) == [1, 2, 3])
        #expect(transport.requests.first?.url == "http://prom:9090/api/v1/query_range?end=40.000&query=q&start=10.000&step=10.000")
    }

    @Test func badQueryIsAClearError() async {
        let transport = ScriptedTransport([.success(HTTPResponseData(status: 400, body: Data(#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#.utf8)))])
        let source = PrometheusSource(baseURL: "http://prom:9090", query: "q(", transport: transport)
        await #expect(throws: AdapterError.rejected(status: 400, message: "parse error at char 5")) { try await source.currentRate() }
    }

    @Test func unreachableServerIsRetriedThenReported() async {
        let transport = ScriptedTransport([.failure(TransportFailure()), .failure(TransportFailure())])
        let source = PrometheusSource(baseURL: "http://prom:9090", query: "q", transport: transport, retry: .immediate(attempts: 2))
        await #expect(throws: AdapterError.self) { try await source.currentRate() }
        #expect(transport.requests.count == 2)
    }

    /// A real Prometheus scraping an exporter that the test drives at 40 requests/s.
    @Test(.timeLimit(.minutes(5))) func realPrometheusReadsTheDrivenLoad() async throws {
        let exporter = LoadExporter(rate: 40)
        let exporterServer = try await exporter.serve()
        let prometheus = try await RealServers.prometheus(scraping: "127.0.0.1:\(exporterServer.port)")
        defer { prometheus.stop() }
        let query = "sum(rate(requests_total[5s]))"
        let source = PrometheusSource(baseURL: prometheus.url, query: query)
        try await RealServers.waitForSamples(prometheus, metric: "requests_total", samples: 7)
        let settled = try await RealServers.settledValue(prometheus, query: query, metric: "requests_total")
        #expect(abs(settled - 40) < 4, "settled rate \(settled)")
        let value = try #require(try await source.currentRate())
        #expect(abs(value - 40) < 4, "rate \(value)")
        let history = try await source.history(seconds: 5, stepSeconds: 1)
        #expect(!history.isEmpty)
        let latest = try #require(history.last)
        #expect(abs(latest - 40) < 4, "\(history)")
        await exporterServer.stop()
    }
}
