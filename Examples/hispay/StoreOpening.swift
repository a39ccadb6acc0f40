import HISPay

/// Opening the store a command's `--store` names: a store that does not exist is created only when
/// the command was given `--create`, so a mistyped path is refused instead of becoming an empty store.
enum StoreOpening {
    /// `creatable`: whether the command takes `--create` (its refusal then says so).
    static func open(_ location: String, create: Bool, creatable: Bool) async throws -> SQLPaymentStore {
        do {
            return try await SQLPaymentStore.open(location, create: create)
        } catch let error as StoreError where error.code == .notFound {
            throw CLIError(creatable ? "\(error.reason): give --create to make a new one" : "\(error.reason) (check --store)")
        }
    }

    /// Opens the store as ``open(_:create:creatable:)`` does, runs `body` with it and closes it —
    /// also when `body` throws.
    static func using<T>(_ location: String, create: Bool, creatable: Bool, _ body: (SQLPaymentStore) async throws -> T) async throws -> T {
        let store = try await open(location, create: create, creatable: creatable)
        let result: T
        do {
            result = try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return result
    }
}
