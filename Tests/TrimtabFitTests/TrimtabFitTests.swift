import Testing
@testable import TrimtabFit
