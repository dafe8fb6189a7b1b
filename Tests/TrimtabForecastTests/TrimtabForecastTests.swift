import Testing
@testable import TrimtabForecast
