/// The full-screen UI of `gob tui` (contract §6).
public enum GobTUIModule {}
