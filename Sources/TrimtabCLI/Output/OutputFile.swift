import Foundation
import TrimtabKit
import TrimtabModel

/// Writes a command's output file. Its format follows its extension: `.json` is JSON and
/// `.yaml`/`.yml` YAML, whatever the command produced (a document is converted); any other name
/// gets what the command produced (as `--format` chose it). Every reader of Trimtab files reads
/// both, by the same rule (`Value.load`).
enum OutputFile {
    /// What a command produced.
    enum Syntax: Equatable {
        case json
        case yaml
        /// Not a document (a table, CSV, plain lines), named for the error message.
        case text(String)
    }

    /// The syntax a file's extension names, if any.
    static func declared(by path: String) -> Syntax? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": return .json
        case "yaml", "yml": return .yaml
        default: return nil
        }
    }

    /// `text` (in the syntax `produced`) as the file at `path` takes it.
    static func contents(_ text: String, produced: Syntax, for path: String) throws(TrimtabError) -> String {
        guard let target = declared(by: path), target != produced else { return text }
        if case .text(let kind) = produced {
            throw TrimtabError(file: path, "the name says \(target == .json ? "JSON" : "YAML") but this output is \(kind); give the file another extension")
        }
        // Our own JSON or YAML (JSON is YAML): parse it and render it the other way.
        let value: Value
        do { value = try Value.parseYAML(text) } catch {
            throw TrimtabError(code: .internal, file: path, "cannot convert the output: \(error.message)")
        }
        let document = JSONValue(value)
        return target == .json ? document.render() + "\n" : document.renderYAML()
    }

    /// Writes `text` (in the syntax `produced`) to `path` in the syntax its extension names.
    static func write(_ text: String, produced: Syntax, to path: String) throws(TrimtabError) {
        let output = try contents(text, produced: produced, for: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw TrimtabError(code: .io, file: path, "is a directory; give a file name to write")
        }
        do {
            try output.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw TrimtabError(code: .io, file: path, "cannot write the file: \(reason(error))")
        }
    }

    /// The system's reason (`No such file or directory`) rather than Foundation's sentence.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
