import Testing
@testable import TrimtabSim
