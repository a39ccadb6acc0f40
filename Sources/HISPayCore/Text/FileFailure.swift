import Foundation

/// Why a file operation failed, in plain words for a message that names the file itself — never
/// Foundation's description (`Error Domain=NSCocoaErrorDomain Code=516 "(null)"`).
public enum FileFailure {
    public static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            switch error.code {
            case .fileWriteFileExists: return "a file of that name is in the way"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "the disk is full"
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileWriteVolumeReadOnly: return "the disk is read-only"
            case .fileWriteInvalidFileName: return "the name is not a valid file name"
            default: break
            }
            if let posix = (error.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
                return reason(errno: Int32(posix.code))
            }
        }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return reason(errno: Int32(error.code)) }
        return "the system refused (\(error.domain) \(error.code))"
    }

    /// The C library's words for `errno` (a file's or a socket's), lower case: "permission denied".
    public static func reason(errno code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
