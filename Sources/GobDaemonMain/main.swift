import GobDaemon

// `gob-daemon`, the daemon's own executable, which the `gob` commands start beside
// themselves (docs/files.md, "The daemon's life").
DaemonMain.main()
