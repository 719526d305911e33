#include "CGobVersion.h"

// Package.swift defines GOB_VERSION (a C string literal) when the build's environment
// sets it; a development build says "dev".
#ifndef GOB_VERSION
#define GOB_VERSION "dev"
#endif

const char *gob_build_version(void) {
    return GOB_VERSION;
}
