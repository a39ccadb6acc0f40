import Logging

extension Logger {
    /// A logger that drops everything: the default of every HISPay type that takes a `logger`, so the
    /// library logs nothing unless the application hands it a logger (it never bootstraps the
    /// logging system itself).
    public static var silent: Logger { Logger(label: "hispay.silent", factory: { _ in SwiftLogNoOpLogHandler() }) }
}
