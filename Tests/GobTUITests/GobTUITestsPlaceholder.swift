import Testing
@testable import GobTUI
