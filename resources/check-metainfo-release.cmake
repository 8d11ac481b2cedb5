# cmake -DMETAINFO=<file.metainfo.xml> -DVERSION=<x.y.z> -P check-metainfo-release.cmake
#
# Fails unless the first (newest) <release> of the AppStream metainfo is VERSION, so that a
# version bump in CMakeLists.txt cannot ship without its release entry (software centres show
# the newest release as the installed version).
if(NOT METAINFO OR NOT VERSION)
    message(FATAL_ERROR "usage: cmake -DMETAINFO=<file> -DVERSION=<version> -P ${CMAKE_SCRIPT_MODE_FILE}")
endif()
file(READ "${METAINFO}" content)
string(REGEX MATCH "<release[ \t\r\n][^>]*version=\"([^\"]*)\"" match "${content}")
if(NOT match)
    message(FATAL_ERROR "${METAINFO}: no <release version=\"...\"> found")
endif()
set(newest "${CMAKE_MATCH_1}")
if(NOT newest STREQUAL VERSION)
    message(FATAL_ERROR "${METAINFO}: the newest release is ${newest}, the project version is "
                        "${VERSION}; add a <release version=\"${VERSION}\" date=\"YYYY-MM-DD\"> "
                        "entry at the top of <releases>")
endif()
message(STATUS "metainfo: newest release ${newest} matches the project version")
