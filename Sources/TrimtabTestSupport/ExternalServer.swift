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

    /// Starts `executable` (looked up on PATH) and waits until `GET readyPath` answers 2xx.
    public static func start(name: String, executable: String, install: String, port: Int, arguments: [String],
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
        let server = ExternalServer(name: name, port: port, process: process, workDirectory: workDirectory)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TestServerError("\(name) exited at start: \(text.suffix(800))")
            }
            if await get("http://127.0.0.1:\(port)\(readyPath)") != nil { return server }
            try await Task.sleep(for: .milliseconds(200))
        }
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

    /// A loopback TCP port that was free a moment ago.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestServerError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestServerError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Launchers for the real servers the tests use.
public enum RealServers {
    /// Prometheus (Debian package `prometheus`) scraping `target` (host:port) every `scrapeInterval`.
    public static func prometheus(scraping target: String, scrapeInterval: String = "1s") async throws -> ExternalServer {
        let folder = try ExternalServer.temporaryDirectory("trimtab-prometheus")
        let config = """
            global:
              scrape_interval: \(scrapeInterval)
              evaluation_interval: \(scrapeInterval)
            scrape_configs:
              - job_name: load
                static_configs:
                  - targets: ['\(target)']
            """
        try config.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = try ExternalServer.freePort()
        return try await ExternalServer.start(
            name: "prometheus", executable: "prometheus", install: "apt-get install -y prometheus", port: port,
            arguments: ["--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
                        "--web.listen-address=127.0.0.1:\(port)"],
            readyPath: "/-/ready", workDirectory: folder)
    }

    /// Waits until `prometheus` holds at least `samples` samples of `metric` from the last
    /// `window` (so that `rate()` over that window reads the steady value, not a start-up one).
    public static func waitForSamples(_ prometheus: ExternalServer, metric: String, samples: Int, window: String = "10s",
                                      timeout: Duration = .seconds(120)) async throws {
        let query = "count_over_time(\(metric)%5B\(window)%5D)%20%3E%3D%20\(samples)"
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let body = await ExternalServer.get("\(prometheus.url)/api/v1/query?query=\(query)"), body.contains("\"value\"") { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestServerError("prometheus did not collect \(samples) samples of \(metric) in \(timeout)")
    }

    /// moto's AWS mock server (PyPI `moto[server]`).
    public static func moto() async throws -> ExternalServer {
        let folder = try ExternalServer.temporaryDirectory("trimtab-moto")
        let port = try ExternalServer.freePort()
        return try await ExternalServer.start(
            name: "moto", executable: "moto_server", install: "pip install 'moto[server]'", port: port,
            arguments: ["-H", "127.0.0.1", "-p", String(port)], readyPath: "/moto-api/", workDirectory: folder)
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
