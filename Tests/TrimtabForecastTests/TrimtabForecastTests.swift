import Foundation
import Testing
@testable import TrimtabForecast
import TrimtabModel

/// The project's root (three levels above this file).
func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// The reference Twitter trace (unpacked at test time), loaded once.
let twitterTrace: LoadTrace? = try? LoadTrace.load(path: packageRoot() + "/../shared/reference/traces/twitter_per_second.tbz2")
