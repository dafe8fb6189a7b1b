import Testing
@testable import TrimtabJob
