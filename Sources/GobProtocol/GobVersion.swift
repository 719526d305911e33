/// The version gob reports (`gob --version`), fixed at build time (contract §1.1).
public enum GobVersion {
    public static let current = "dev"
}
