/// A run of text in one style: the unit lines are built from before they are drawn.
public struct Span: Equatable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// The columns the text takes.
    var width: Int { DisplayWidth.of(text) }
}
