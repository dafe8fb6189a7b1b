import AsyncHTTPClient
import Foundation

/// Why a real server could not be started for a test.
public struct TestServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A real server (Prometheus, moto) started by a test on a free loopback port and stopped after.
///
/// A missing binary is an error with the install line, never a silent pass: CI installs them.
public final class ExternalServer: @unchecked Sendable {
    public let port: Int
    public let name: String
    private let process: Process
    public let workDirectory: URL

    private init(name: String, port: Int, process: Process, workDirectory: URL) {
        self.name = name
        self.port = port
        self.process = process
        self.workDirectory = workDirectory
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var isRunning: Bool { process.isRunning }

    /// Starts `executable` (looked up on PATH) with `arguments` that make it listen on loopback
    /// port 0, reads back the port the kernel gave it (its listening socket, from /proc), and
    /// waits until `GET readyPath` answers 2xx. No port is picked in advance, so parallel tests
    /// never race for one.
    public static func start(name: String, executable: String, install: String, arguments: [String],
                             readyPath: String, workDirectory: URL, timeout: Duration = .seconds(120)) async throws -> ExternalServer {
        guard let path = which(executable) else {
            throw TestServerError("\(executable) is not installed (\(install)); this test needs the real server")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = workDirectory
        let log = workDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + timeout
        func exited() -> TestServerError {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return TestServerError("\(name) exited at start: \(text.suffix(800))")
        }
        let port = try await Polling.until(deadline, every: .milliseconds(50)) { () throws -> Int? in
            guard process.isRunning else { throw exited() }
            return ListeningPorts.of(process: process.processIdentifier).first
        }
        guard let port else {
            let unstarted = ExternalServer(name: name, port: 0, process: process, workDirectory: workDirectory)
            unstarted.stop()
            throw TestServerError("\(name) did not listen on a port within \(timeout)")
        }
        let server = ExternalServer(name: name, port: port, process: process, workDirectory: workDirectory)
        let ready = try await Polling.until(deadline, every: .milliseconds(200)) { () async throws -> Bool? in
            guard process.isRunning else { throw exited() }
            return await get("http://127.0.0.1:\(port)\(readyPath)") != nil ? true : nil
        }
        if ready != nil { return server }
        server.stop()
        throw TestServerError("\(name) did not become ready on port \(port) within \(timeout)")
    }

    /// Stops the server: SIGTERM, and SIGKILL if it is still running 5 s later (moto_server
    /// ignores SIGTERM while serving).
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The body of a 2xx answer to GET `url`, or nil.
    public static func get(_ url: String) async -> String? {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
            let body = try await response.body.collect(upTo: 8 << 20)
            guard (200..<300).contains(Int(response.status.code)) else { return nil }
            return String(buffer: body)
        } catch {
            return nil
        }
    }

    /// `get`, repeated until it answers or `seconds` pass: a server just started, under the
    /// load of the whole suite running in parallel, can miss one request's 2 s timeout.
    public static func getPolling(_ url: String, seconds: Double = 45) async -> String? {
        (try? await Polling.until(ContinuousClock.now + .seconds(seconds), every: .milliseconds(200)) { await get(url) }) ?? nil
    }

    public static func which(_ executable: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in paths {
            let candidate = "\(folder)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A fresh temporary folder.
    public static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

}

/// Launchers for the real servers the tests use.
public enum RealServers {
    /// Prometheus (Debian package `prometheus`) scraping `target` (host:port) every `scrapeInterval`.
    public static func prometheus(scraping target: String, scrapeInterval: String = "1s") async throws -> ExternalServer {
        try await prometheus(configuration: """
            global:
              scrape_interval: \(scrapeInterval)
              evaluation_interval: \(scrapeInterval)
            scrape_configs:
              - job_name: load
                static_configs:
                  - targets: ['\(target)']
            """)
    }

    /// A real Prometheus on a free loopback port with the given configuration (prometheus.yml's text).
    public static func prometheus(configuration config: String) async throws -> ExternalServer {
        let folder = try ExternalServer.temporaryDirectory("trimtab-prometheus")
        try config.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        return try await ExternalServer.start(
            name: "prometheus", executable: "prometheus", install: "apt-get install -y prometheus",
            arguments: ["--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
                        "--web.listen-address=127.0.0.1:0"],
            readyPath: "/-/ready", workDirectory: folder)
    }

    /// Waits until `prometheus` holds at least `samples` samples of `metric` from the last
    /// `window` (so that `rate()` over that window reads the steady value, not a start-up one).
    public static func waitForSamples(_ prometheus: ExternalServer, metric: String, samples: Int, window: String = "10s",
                                      timeout: Duration = .seconds(120)) async throws {
        let query = "count_over_time(\(metric)%5B\(window)%5D)%20%3E%3D%20\(samples)"
        let collected = try await Polling.until(ContinuousClock.now + timeout, every: .milliseconds(250)) { () async -> Bool? in
            guard let body = await ExternalServer.get("\(prometheus.url)/api/v1/query?query=\(query)"), body.contains("\"value\"") else { return nil }
            return true
        }
        if collected != nil { return }
        throw TestServerError("prometheus did not collect \(samples) samples of \(metric) in \(timeout)")
    }

    /// Polls `query` (a PromQL expression with one value, such as `sum(rate(requests_total[5s]))`)
    /// until it settles — `agreeing` readings in a row, each taken after a new scrape of `metric`
    /// (its latest sample changed), within `tolerance` (relative) of each other — and returns the
    /// last. Nothing waits a fixed time: a loaded machine that scrapes late only makes this wait longer.
    public static func settledValue(_ prometheus: ExternalServer, query: String, metric: String, agreeing: Int = 3,
                                    tolerance: Double = 0.01, timeout: Duration = .seconds(120)) async throws -> Double {
        var readings: [Double] = []
        var lastSample: Double?
        let settled = try await Polling.until(ContinuousClock.now + timeout, every: .milliseconds(250)) { () async -> Double? in
            guard let sample = await value(prometheus, metric), sample != lastSample,
                  let reading = await value(prometheus, query) else { return nil }
            lastSample = sample
            readings.append(reading)
            let recent = readings.suffix(agreeing)
            guard recent.count == agreeing, let low = recent.min(), let high = recent.max(),
                  high - low <= tolerance * max(abs(high), abs(low), 1e-12) else { return nil }
            return reading
        }
        if let settled { return settled }
        throw TestServerError("\(query) did not settle in \(timeout); readings after each scrape: \(readings.suffix(12))")
    }

    /// The value of an instant query whose result is one sample, or nil.
    public static func value(_ prometheus: ExternalServer, _ query: String) async -> Double? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        guard let body = await ExternalServer.get("\(prometheus.url)/api/v1/query?query=\(encoded)"),
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
              result.count == 1, let pair = result[0]["value"] as? [Any], pair.count == 2,
              let text = pair[1] as? String, let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// moto's AWS mock server (PyPI `moto[server]`).
    public static func moto() async throws -> ExternalServer {
        let folder = try ExternalServer.temporaryDirectory("trimtab-moto")
        return try await ExternalServer.start(
            name: "moto", executable: "moto_server", install: "pip install 'moto[server]'",
            arguments: ["-H", "127.0.0.1", "-p", "0"], readyPath: "/moto-api/", workDirectory: folder)
    }
}

/// Runs a command to completion on its own thread (never blocking the concurrency pool, which
/// the in-process test servers need) and returns its status and combined output.
public func runCommand(_ executable: String, _ arguments: [String],
                       environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    return await withCheckedContinuation { continuation in
        Thread {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }.start()
    }
}
