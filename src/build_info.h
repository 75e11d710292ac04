/*
 * build_info.h - how these binaries were built: version, git commit, flags, compiler.
 * The values come from meson (build_config.h) and git (version.h).
 */
#ifndef CB_BUILD_INFO_H
#define CB_BUILD_INFO_H

#include "build_config.h"
#include "version.h"

#endif
