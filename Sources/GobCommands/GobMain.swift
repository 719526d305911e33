public enum GobMain { public static func main() {} }
