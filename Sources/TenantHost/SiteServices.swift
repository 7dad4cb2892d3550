import Logging
import TenantCore

/// The shared parts every request uses: built once in ``buildApplication(config:)``.
final class SiteServices: Sendable {
    let config: AppConfig
    let database: TenantDatabase
    let directory: TenantDirectory
    let cache: PageCache
    /// The menu and footer of communes served lately (under the page cache's generations).
    let chromes: ChromeCache
    let content: ContentStore
    let watcher: CatalogueWatcher
    let logger: Logger
    /// For communes created from the console (same operation as the provisioner).
    let migrations: MigrationSet
    let domainPolicy: DomainPolicy
    let metrics: PlatformMetrics
    let operations: OperationsMonitor
    /// nginx's cache in front (nil: the fronts keep nothing).
    let front: FrontCache?
    /// The host's own router, for the compliance audit's page checks.
    let probe = SiteProbe()
    /// Wakes this host's ``SiteImportService`` when the console queues an import.
    let siteImportWakeup = SiteImportWakeup()
    var auditor: SiteAuditor { SiteAuditor(services: self, probe: self.probe) }
    /// The console's imports of old sites (``SiteImportService`` runs them).
    var siteImports: SiteImportJobs {
        var jobs = SiteImportJobs(database: self.database, logger: self.logger)
        jobs.connectTo = self.config.siteImportConnectTo
        jobs.rate = self.config.siteImportRate
        return jobs
    }

    init(
        config: AppConfig, database: TenantDatabase, directory: TenantDirectory, cache: PageCache,
        watcher: CatalogueWatcher, migrations: MigrationSet, domainPolicy: DomainPolicy, metrics: PlatformMetrics,
        operations: OperationsMonitor, front: FrontCache? = nil, logger: Logger
    ) {
        self.front = front
        self.metrics = metrics
        self.operations = operations
        self.watcher = watcher
        self.migrations = migrations
        self.domainPolicy = domainPolicy
        self.config = config
        self.database = database
        self.directory = directory
        self.cache = cache
        self.chromes = ChromeCache(capacity: config.chromeCacheCommunes)
        self.content = ContentStore(logger: logger, statements: database.statements)
        self.logger = logger
    }
}
