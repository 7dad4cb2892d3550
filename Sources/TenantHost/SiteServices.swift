import Logging
import TenantCore

/// The shared parts every request uses: built once in ``buildApplication(config:)``.
final class SiteServices: Sendable {
    let config: AppConfig
    let database: TenantDatabase
    let directory: TenantDirectory
    let cache: PageCache
    let content: ContentStore
    let watcher: CatalogueWatcher
    let logger: Logger

    init(
        config: AppConfig, database: TenantDatabase, directory: TenantDirectory, cache: PageCache,
        watcher: CatalogueWatcher, logger: Logger
    ) {
        self.watcher = watcher
        self.config = config
        self.database = database
        self.directory = directory
        self.cache = cache
        self.content = ContentStore(logger: logger)
        self.logger = logger
    }
}
