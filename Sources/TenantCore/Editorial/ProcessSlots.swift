/// At most a few parsers of outside input (pandoc, libvips) run at once in
/// this process: each may take hundreds of megabytes, and a burst of uploads
/// must not take the memory every commune's pages need. The others wait
/// their turn, in order.
public actor ProcessSlots {
    public static let shared = ProcessSlots(count: 2)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(count: Int) {
        self.free = max(1, count)
    }

    private func acquire() async {
        if self.free > 0 {
            self.free -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release() {
        if self.waiting.isEmpty {
            self.free += 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }

    /// Runs `body` once a slot is free.
    public nonisolated func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await self.acquire()
        do {
            let result = try await body()
            await self.release()
            return result
        } catch {
            await self.release()
            throw error
        }
    }
}
