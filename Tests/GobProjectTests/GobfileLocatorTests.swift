import GobProject
import GobProtocol
import Testing

/// Which gobfile governs a directory: its own `.config/gobfile.toml`, or the nearest
/// parent's, never above a repository root or `$HOME`.
@Suite("Gobfile search")
struct GobfileLocatorTests {
    @Test("a gobfile in the directory itself")
    func currentDirectory() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("p/.config/gobfile.toml", "")
        let found = GobfileLocator.locate(from: scratch.os("p"), home: nil)
        #expect(found == .init(file: scratch.os("p/.config/gobfile.toml"), root: scratch.os("p")))
    }

    @Test("a gobfile in a parent, found from a subdirectory (trailing slashes and dots ignored)")
    func parent() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("p/.config/gobfile.toml", "")
        try scratch.makeDirectory("p/src/app")
        let expected = GobfileLocator.Location(file: scratch.os("p/.config/gobfile.toml"), root: scratch.os("p"))
        #expect(GobfileLocator.locate(from: scratch.os("p/src/app"), home: nil) == expected)
        #expect(GobfileLocator.locate(from: scratch.os("p/src/./app/"), home: nil) == expected)
    }

    @Test("the nearest gobfile wins")
    func nearest() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("p/.config/gobfile.toml", "")
        try scratch.write("p/sub/.config/gobfile.toml", "")
        try scratch.makeDirectory("p/sub/deep")
        #expect(GobfileLocator.locate(from: scratch.os("p/sub/deep"), home: nil)?.root == scratch.os("p/sub"))
    }

    @Test("the search stops at the repository root (a .git directory or file)", arguments: [true, false])
    func repositoryRoot(gitIsDirectory: Bool) throws {
        let scratch = try ScratchDirectory()
        try scratch.write("outer/.config/gobfile.toml", "")
        if gitIsDirectory {
            try scratch.makeDirectory("outer/repo/.git")
        } else {
            try scratch.write("outer/repo/.git", "gitdir: /elsewhere\n")
        }
        try scratch.makeDirectory("outer/repo/src")
        #expect(GobfileLocator.locate(from: scratch.os("outer/repo/src"), home: nil) == nil)
        // The repository root's own gobfile is found.
        try scratch.write("outer/repo/.config/gobfile.toml", "")
        #expect(GobfileLocator.locate(from: scratch.os("outer/repo/src"), home: nil)?.root == scratch.os("outer/repo"))
    }

    @Test("the search stops at $HOME, whose own gobfile still counts")
    func home() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(".config/gobfile.toml", "")
        try scratch.makeDirectory("home/me/work")
        #expect(GobfileLocator.locate(from: scratch.os("home/me/work"), home: scratch.os("home/me")) == nil)
        #expect(GobfileLocator.locate(from: scratch.os("home/me/work"), home: nil)?.root == scratch.os())
        try scratch.write("home/me/.config/gobfile.toml", "")
        #expect(GobfileLocator.locate(from: scratch.os("home/me/work"), home: scratch.os("home/me/"))?.root
            == scratch.os("home/me"))
    }

    @Test("no gobfile anywhere")
    func none() throws {
        let scratch = try ScratchDirectory()
        try scratch.makeDirectory("a/.git")
        try scratch.makeDirectory("a/b")
        #expect(GobfileLocator.locate(from: scratch.os("a/b"), home: nil) == nil)
    }

    @Test("within the project root")
    func within() {
        #expect(GobfileLocator.isWithin("/p", root: "/p"))
        #expect(GobfileLocator.isWithin("/p/a/b", root: "/p/"))
        #expect(!GobfileLocator.isWithin("/pq", root: "/p"))
        #expect(!GobfileLocator.isWithin("/", root: "/p"))
        #expect(GobfileLocator.isWithin("/x", root: "/"))
    }
}
