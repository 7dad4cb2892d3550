import Synchronization
import TenantCore

/// The menu and footer of the communes served lately, decoded, each under
/// its commune's cache generation. A page the page cache does not hold
/// then reads only its own rows: the sections and the site row are the
/// larger part of what an uncached page asks PostgreSQL for, and they
/// change a few times a month.
///
/// A write to a commune bumps its generation (``PageCache/invalidate(tenant:)``,
/// on the same notifications that drop its pages), and an entry of another
/// generation is never used; so a menu or footer is never older than the
/// page cache would show. At most `capacity` communes are kept; the least
/// recently used go first. 0 keeps none.
final class ChromeCache: Sendable {
    struct Chrome: Sendable {
        let sections: [Section]
        let site: SiteInfo

        /// What is kept: every section's body left out, and each of a
        /// mandatory section's texts that is still the seeded one taken
        /// from ``MandatorySection`` (a literal), not from the row. Most
        /// communes keep most of their sections' starter titles, summaries
        /// and legal bases, so a kept commune costs its own words only:
        /// about 1.5 KiB instead of 9, which lets every commune of the country
        /// stay kept within the host's memory bound (BENCHMARKS.md).
        var kept: Chrome {
            Chrome(sections: self.sections.map(Self.compacted), site: self.site)
        }

        static func compacted(_ row: Section) -> Section {
            var section = row
            section.body = ""
            section.bodySource = ""
            guard let seeded = MandatorySection(rawValue: row.id) else { return section }
            if section.slug == seeded.slug { section.slug = seeded.slug }
            if section.title == seeded.title { section.title = seeded.title }
            if section.summary == seeded.summary { section.summary = seeded.summary }
            if section.legalBasis == seeded.legalBasis { section.legalBasis = seeded.legalBasis }
            return section
        }
    }

    private struct Entry {
        var chrome: Chrome
        var generation: UInt64
        var tick: UInt64
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The commune's menu and footer, if kept for `generation`.
    func lookup(tenant: Int64, generation: UInt64) -> Chrome? {
        guard self.capacity > 0 else { return nil }
        return self.state.withLock { s in
            guard let entry = s.entries[tenant], entry.generation == generation else {
                s.misses += 1
                return nil
            }
            s.tick &+= 1
            s.entries[tenant]?.tick = s.tick
            s.hits += 1
            return entry.chrome
        }
    }

    /// Keeps `chrome`, read after `generation` was: if the commune changed
    /// meanwhile, the entry is already stale and is never used.
    func store(_ chrome: Chrome, tenant: Int64, generation: UInt64) {
        guard self.capacity > 0 else { return }
        self.state.withLock { s in
            s.tick &+= 1
            s.entries[tenant] = Entry(chrome: chrome, generation: generation, tick: s.tick)
            guard s.entries.count > self.capacity else { return }
            // Down to nine tenths at once, so that a full cache sorts once
            // per tenth of its size in new communes, not on every store.
            let keep = self.capacity * 9 / 10
            let oldest = s.entries.sorted { $0.value.tick < $1.value.tick }.prefix(s.entries.count - keep)
            for (id, _) in oldest { s.entries[id] = nil }
        }
    }

    /// Communes kept, lookups answered and not.
    var figures: (communes: Int, hits: Int, misses: Int) {
        self.state.withLock { ($0.entries.count, $0.hits, $0.misses) }
    }
}
