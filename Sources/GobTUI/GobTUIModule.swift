/// The full-screen UI of `gob tui`.
public enum GobTUIModule {}
