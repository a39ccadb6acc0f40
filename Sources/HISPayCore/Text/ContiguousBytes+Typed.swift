import Foundation

extension ContiguousBytes {
    /// `withUnsafeBytes(_:)` keeping `body`'s error type: the protocol's `rethrows` widens it to
    /// `any Error`, which callers with typed throws would have to catch and cast back.
    package func withUnsafeBytes<T, E: Error>(typed body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = withUnsafeBytes { raw in
            do throws(E) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
