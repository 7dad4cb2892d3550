import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TenantCore

/// The composition root: everything `tenant-host` runs, built from its
/// configuration; tests call it too.
func buildApplication(
    config: AppConfig, onServerRunning: (@Sendable (Int) async -> Void)? = nil,
    onMetricsRunning: (@Sendable (Int) async -> Void)? = nil
) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "tenant-host")
        logger.logLevel = config.logLevel
        return logger
    }()
    let database = TenantDatabase(
        config: config.database, poolSize: config.poolSize, recycleAfter: config.recycleAfter,
        preparedCommunes: config.preparedCommunes, genericPlans: config.genericPlans, nestedLeases: config.nestedLeases,
        logger: logger)
    let directory = TenantDirectory()
    let cache = PageCache(capacity: config.pageCacheBytes, ttl: config.pageCacheTTL)
    let metrics = PlatformMetrics()
    let front = config.frontCachePurge.map {
        FrontCache(endpoints: $0, ttl: config.frontCacheTTL, directory: directory, database: database, logger: logger)
    }
    let watcher = CatalogueWatcher(
        database: database, directory: directory,
        handlers: .init(
            contentChanged: { id, writerPurged in
                cache.invalidate(tenant: id)
                // The host that made the write purges the fronts; a change
                // made elsewhere (the provisioner) is purged by every host.
                // A host that let a front keep a page of the commune just
                // now may have made it before it heard of the write: it
                // purges once more.
                if let front {
                    let keptJustNow = front.heard(tenant: id)
                    if !writerPurged {
                        Task { await front.purge(tenant: id) }
                    } else if keptJustNow {
                        Task { await front.purgeOnce(tenant: id) }
                    }
                }
            },
            tenantsChanged: { ids in
                for id in ids { cache.invalidate(tenant: id) }
                if let front { Task { for id in ids { await front.purge(tenant: id) } } }
            },
            reset: { lostAt in
                cache.invalidateAll()
                if let front { Task { await front.purgeChanged(since: lostAt) } }
            },
            notified: { metrics.notified($0, lag: $1) },
            reloaded: { metrics.reloaded(in: $0) }),
        logger: logger)
    let operations = OperationsMonitor(database: database, logger: logger)
    let services = SiteServices(
        config: config, database: database, directory: directory, cache: cache, watcher: watcher,
        migrations: try MigrationSet.load(from: config.sqlDirectory), domainPolicy: config.domainPolicy, metrics: metrics,
        operations: operations, front: front, logger: logger)
    let (router, editorial) = buildRouter(services: services)
    var lifecycle: [any Service] = [database, watcher, operations]
    // Old sites brought in from the console, one at a time on this host.
    lifecycle.append(SiteImportService(jobs: services.siteImports, editorial: editorial, directory: directory, wakeup: services.siteImportWakeup))
    if let port = config.metricsPort {
        lifecycle.append(buildMetricsApplication(services: services, bind: config.metricsBind, port: port, logger: logger, onRunning: onMetricsRunning))
    }
    let responder = ArchiveResponder(inner: router.buildResponder())
    services.probe.install(responder, logger: logger)
    if let mail = config.mail {
        lifecycle.append(MailService(delivery: MailDelivery(database: database, settings: mail, logger: logger), interval: config.mailInterval))
    }
    if let hours = config.auditIntervalHours, hours > 0 {
        lifecycle.append(AuditScheduler(auditor: services.auditor, interval: .seconds(hours * 3600)))
    }
    var app = Application(
        responder: responder,
        // CACHE_EARLY_HITS=0: Hummingbird's own HTTP/1 channel.
        server: config.earlyCacheHits ? HTTPServerBuilder { SiteHTTP1Channel(responder: $0, services: services) } : .http1(),
        configuration: .init(address: .hostname(config.bind, port: config.port), serverName: nil),
        services: lifecycle,
        onServerRunning: { channel in
            logger.notice(
                "tenant-host listening",
                metadata: ["address": "\(channel.localAddress?.description ?? "?")", "communes": "\(directory.snapshot.tenants.count)"])
            await onServerRunning?(channel.localAddress?.port ?? 0)
        },
        logger: logger)
    app.beforeServerStarts {
        // Serve at once if PostgreSQL is there; otherwise start anyway and
        // answer 503 until the watcher reaches it.
        do {
            let snapshot = try await directory.load(from: database)
            logger.info("directory loaded", metadata: ["communes": "\(snapshot.tenants.count)", "hosts": "\(snapshot.hostCount)"])
        } catch {
            database.markAvailable(false)
            logger.error("cannot load the directory; serving 503 until PostgreSQL answers", metadata: ["error": "\(TenantDatabase.map(error).message)"])
        }
    }
    return app
}

/// All routes: `/_health`, the site middleware, the error pages, then the stylesheet, the
/// console (`/quan-tri`) and a commune's public site.
func buildRouter(services: SiteServices) -> (Router<SiteRequestContext>, Editorial) {
    let accounts = Accounts(database: services.database, cost: services.config.bcryptCost, logger: services.logger)
    Task { await accounts.prepare() }
    let cache = services.cache
    let front = services.front
    var editorial = Editorial(database: services.database, accounts: accounts, logger: services.logger, committedPurgesFronts: front != nil) {
        cache.invalidate(tenant: $0)
        await front?.purgeAfterWrite(tenant: $0)
    }
    editorial.maxUpload = services.config.uploadLimitMB * 1024 * 1024
    if let front { editorial.changing = { front.writing(tenant: $0) } }
    let router = Router(context: SiteRequestContext.self)
    router.add(middleware: HealthMiddleware(services: services))
    router.add(middleware: SiteMiddleware(services: services, editorial: editorial))
    router.add(middleware: SiteErrorMiddleware(editorial: editorial))
    PublicSiteController.addStaticRoutes(to: router)
    var provisioning = CommuneProvisioning(
        database: services.database, migrations: services.migrations, policy: services.domainPolicy, logger: services.logger)
    provisioning.reservedHosts = [services.config.adminHost]
    ConsoleController(
        dependencies: ConsoleDependencies(
            services: services, accounts: accounts, editorial: editorial, provisioning: provisioning,
            assets: ConsoleAssets(directory: services.config.assetsDirectory, logger: services.logger))
    ).addRoutes(to: router)
    let site = router.group(context: TenantRequestContext.self)
    PublicSiteController(services: services, editorial: editorial).addRoutes(to: site)
    return (router, editorial)
}

/// `/metrics` in Prometheus's text format, on its own address so the
/// public never reaches it (nginx forwards only the site's port).
func buildMetricsApplication(
    services: SiteServices, bind: String, port: Int, logger: Logger, onRunning: (@Sendable (Int) async -> Void)?
) -> some ApplicationProtocol {
    let router = Router()
    router.get("/metrics") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = services.metrics.exposition(services, operations: services.operations)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
    return Application(
        router: router, configuration: .init(address: .hostname(bind, port: port), serverName: nil),
        onServerRunning: { channel in
            logger.notice("metrics listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
            await onRunning?(channel.localAddress?.port ?? 0)
        }, logger: logger)
}
