/// Trimtab's version: `trimtab --version` prints it. The one place it is written.
public enum TrimtabVersion {
    public static let current = "0.1.0"
}
