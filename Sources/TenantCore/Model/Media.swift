import Foundation

/// A file of a commune's library with the items that use it.
public struct LibraryFile: Sendable, Hashable {
    public var file: StoredFile
    /// Its description for those who cannot see it (images), empty when none.
    public var alt: String
    /// Ids and titles of the items naming the file (featured image, document, or in their text), trash included.
    public var uses: [Use]

    public struct Use: Sendable, Hashable {
        public var entryID: Int64
        public var title: String
    }
}
