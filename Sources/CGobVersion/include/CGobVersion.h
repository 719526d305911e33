#ifndef CGOB_VERSION_H
#define CGOB_VERSION_H

/// The version gob was built as: GOB_VERSION from the environment of `swift build`
/// (Package.swift passes it to this file's C target), or "dev".
const char *gob_build_version(void);

#endif
