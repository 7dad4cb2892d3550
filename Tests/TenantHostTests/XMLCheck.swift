import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

enum XMLCheck {
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        XMLParser(data: Data(bytes)).parse()
    }
}
