/// Thrown by a command that found a help flag among arguments the parser handed over
/// uninterpreted (a passthrough command's leading options).
struct HelpRequested: Error {}
