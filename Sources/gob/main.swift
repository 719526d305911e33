import GobCommands
GobMain.main()
