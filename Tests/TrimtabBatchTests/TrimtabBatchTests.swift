import Testing
@testable import TrimtabBatch
