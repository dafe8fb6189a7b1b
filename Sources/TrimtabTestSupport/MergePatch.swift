import Foundation

/// JSON merge-patch (RFC 7386) and the part of Kubernetes' strategic merge-patch the test server
/// needs: lists of objects with a `name` (containers, env) merge element by element by name.
enum MergePatch {
    static func apply(_ patch: [String: Any], to target: [String: Any], strategic: Bool) -> [String: Any] {
        var result = target
        for (key, value) in patch {
            if value is NSNull {
                result[key] = nil
            } else if let p = value as? [String: Any] {
                result[key] = apply(p, to: result[key] as? [String: Any] ?? [:], strategic: strategic)
            } else if strategic, let items = value as? [[String: Any]], let existing = result[key] as? [[String: Any]],
                      items.allSatisfy({ $0["name"] is String }) {
                result[key] = mergeByName(items, into: existing)
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func mergeByName(_ items: [[String: Any]], into existing: [[String: Any]]) -> [[String: Any]] {
        var merged = existing
        for item in items {
            if let i = merged.firstIndex(where: { $0["name"] as? String == item["name"] as? String }) {
                merged[i] = apply(item, to: merged[i], strategic: true)
            } else {
                merged.append(item)
            }
        }
        return merged
    }
}
