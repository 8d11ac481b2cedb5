#!/usr/bin/env bash
# Checks the Debian package end to end, after a build in build/ (packaging/setup.sh or
# `cmake --preset default && cmake --build --preset default`):
#
#   1. builds it: cpack -G DEB in build/;
#   2. installs it: apt-get install ./build/confab_<version>-<release>_<arch>.deb;
#   3. checks the files it installed (binaries, .desktop, metainfo, icons) and that their
#      libraries resolve;
#   4. runs the installed /usr/bin/confab --version;
#   5. starts a throwaway redis-server on a free loopback port and the installed GUI offscreen
#      against it, waits until it has joined the channel "smoke" as user "debcheck", and stops
#      it with SIGTERM;
#   6. purges the package and checks that it is gone.
#
# Needs apt-get, dpkg, cpack, redis-server and redis-cli (all there after packaging/setup.sh),
# and root or sudo. Any confab package installed before is replaced and removed at the end.
# Every failure prints one line "check-deb: ..." and exits non-zero.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
app_id="io.github.confab_chat.Confab"
icon_sizes=(16 22 24 32 48 64 128 256 512)
user="debcheck"
channel="smoke"
members_key="channel:{$channel}:members"   # PROTOCOL.md, default prefix "channel:"
start_timeout=30                           # seconds for the GUI to join the channel
stop_timeout=10                            # seconds for the GUI to exit after SIGTERM

fail() {
    echo "check-deb: $*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

apt_get() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

is_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' confab 2>/dev/null)" || return 1
    [ "$status" = "install ok installed" ]
}

for tool in apt-get dpkg dpkg-deb dpkg-query redis-server redis-cli timeout ldd; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (run packaging/setup.sh first)"
done
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "not root and sudo not found"
fi
[ -f "$build/CPackConfig.cmake" ] \
    || fail "$build/CPackConfig.cmake not found; configure and build first (packaging/setup.sh)"

# The cpack that belongs to the CMake which configured the build.
cpack="$(sed -n 's/^CMAKE_CPACK_COMMAND:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)"
if [ -z "$cpack" ] || [ ! -x "$cpack" ]; then
    cpack="$(command -v cpack || true)"
fi
[ -n "$cpack" ] || fail "cpack not found"

version="$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake" | head -n 1)"
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"

tmp="$(mktemp -d)"
redis_pid=""
confab_pid=""
installed_here=0

cleanup() {
    local status=$?
    if [ -n "$confab_pid" ] && kill -0 "$confab_pid" 2>/dev/null; then
        kill -KILL "$confab_pid" 2>/dev/null || true
        wait "$confab_pid" 2>/dev/null || true
    fi
    if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
        kill -TERM "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
    if [ "$installed_here" -eq 1 ] && is_installed; then
        echo "check-deb: removing the confab package after the failure" >&2
        apt_get purge -y -qq confab >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. build the package -----------------------------------------------------------------------

echo "check-deb: building the .deb of confab $version"
rm -f "$build"/confab_"$version"-*.deb
(cd "$build" && "$cpack" -G DEB --config CPackConfig.cmake) \
    || fail "cpack -G DEB failed in $build"
debs=("$build"/confab_"$version"-*.deb)
[ -f "${debs[0]}" ] || fail "cpack wrote no $build/confab_${version}-*.deb"
[ "${#debs[@]}" -eq 1 ] || fail "more than one package for $version in $build: ${debs[*]}"
deb="${debs[0]}"
depends="$(dpkg-deb --field "$deb" Depends)" || fail "$(basename "$deb") is not a valid package"
recommends="$(dpkg-deb --field "$deb" Recommends)" || fail "$(basename "$deb") is not a valid package"
grep -q "qt6-qpa-plugins" <<<"$depends" || fail "$(basename "$deb") does not depend on qt6-qpa-plugins"
grep -q "redis-server" <<<"$recommends" || fail "$(basename "$deb") does not recommend redis-server"
grep -q "fonts-noto-color-emoji" <<<"$depends" \
    || fail "$(basename "$deb") does not depend on a colour emoji font"
echo "check-deb: Depends: $depends"

# --- 2. install it ------------------------------------------------------------------------------

if is_installed; then
    echo "check-deb: removing the confab package installed before"
    apt_get purge -y -qq confab >/dev/null || fail "could not remove the confab installed before"
fi
echo "check-deb: installing $(basename "$deb")"
installed_here=1
apt_get install -y --no-install-recommends "$deb" \
    || fail "apt-get install $(basename "$deb") failed"
is_installed || fail "dpkg does not report confab as installed after apt-get install"

# --- 3. the installed files ---------------------------------------------------------------------

files="$(dpkg -L confab)"
expected=(
    /usr/bin/confab
    /usr/bin/confab-cli
    "/usr/share/applications/$app_id.desktop"
    "/usr/share/metainfo/$app_id.metainfo.xml"
    "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
)
for size in "${icon_sizes[@]}"; do
    expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${expected[@]}"; do
    grep -qxF "$path" <<<"$files" || fail "dpkg -L confab does not list $path"
    [ -e "$path" ] || fail "$path is listed by dpkg but missing"
done
for binary in /usr/bin/confab /usr/bin/confab-cli; do
    [ -x "$binary" ] || fail "$binary is not executable"
    missing="$(ldd "$binary" | grep "not found" || true)"
    [ -z "$missing" ] || fail "$binary: unresolved libraries: $(echo "$missing" | tr -s ' \n' ' ')"
done

# Private settings, data and sockets for every run below; nothing of the user's is touched.
mkdir -p "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime" "$tmp/tmp" "$tmp/redis"
chmod 700 "$tmp/runtime"
run_env=(
    QT_QPA_PLATFORM=offscreen
    XDG_CONFIG_HOME="$tmp/config"
    XDG_DATA_HOME="$tmp/data"
    XDG_CACHE_HOME="$tmp/cache"
    XDG_RUNTIME_DIR="$tmp/runtime"
    TMPDIR="$tmp/tmp"
)

# --- 4. confab --version ------------------------------------------------------------------------

version_output="$(env "${run_env[@]}" timeout 20 /usr/bin/confab --version 2>&1)" \
    || fail "/usr/bin/confab --version failed: $(head -n 3 <<<"$version_output" | tr '\n' ' ')"
grep -qF "$version" <<<"$version_output" \
    || fail "/usr/bin/confab --version printed \"$(head -n 1 <<<"$version_output")\", not $version"
echo "check-deb: /usr/bin/confab --version: $(head -n 1 <<<"$version_output")"

# --- 5. an offscreen start against a throwaway redis-server ---------------------------------------

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port=""
for _ in $(seq 1 20); do
    candidate=$((20000 + RANDOM % 40000))
    port_in_use "$candidate" && continue
    redis-server --port "$candidate" --bind 127.0.0.1 --dir "$tmp/redis" \
        --save "" --appendonly no --daemonize no \
        --logfile "$tmp/redis/redis.log" &
    redis_pid=$!
    for _ in $(seq 1 50); do
        if [ "$(redis-cli -p "$candidate" ping 2>/dev/null)" = PONG ]; then
            port="$candidate"
            break
        fi
        kill -0 "$redis_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] && break
    # Lost a race for the port, or too slow: stop it and try another one.
    kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
done
[ -n "$port" ] || fail "could not start redis-server on a free loopback port ($tmp/redis/redis.log)"
echo "check-deb: redis-server on 127.0.0.1:$port"

env "${run_env[@]}" /usr/bin/confab --url "redis://127.0.0.1:$port" --user "$user" \
    --channel "$channel" >"$tmp/confab.log" 2>&1 &
confab_pid=$!

joined=0
deadline=$((SECONDS + start_timeout))
while [ "$SECONDS" -lt "$deadline" ]; do
    members="$(redis-cli -p "$port" SMEMBERS "$members_key" 2>/dev/null || true)"
    if grep -qxF "$user" <<<"$members"; then
        joined=1
        break
    fi
    if ! kill -0 "$confab_pid" 2>/dev/null; then
        status=0
        wait "$confab_pid" || status=$?
        confab_pid=""
        fail "the installed confab exited (status $status) before joining #$channel: $(tail -n 3 "$tmp/confab.log" | tr '\n' ' ')"
    fi
    sleep 0.2
done
[ "$joined" -eq 1 ] \
    || fail "$user is not in $members_key after ${start_timeout}s: $(tail -n 3 "$tmp/confab.log" | tr '\n' ' ')"
echo "check-deb: the installed confab joined #$channel as $user"

kill -TERM "$confab_pid" 2>/dev/null || true
deadline=$((SECONDS + stop_timeout))
while kill -0 "$confab_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
done
if kill -0 "$confab_pid" 2>/dev/null; then
    fail "the installed confab did not exit within ${stop_timeout}s of SIGTERM"
fi
wait "$confab_pid" 2>/dev/null || true
confab_pid=""
echo "check-deb: the installed confab exited on SIGTERM"

kill -TERM "$redis_pid" 2>/dev/null || true
wait "$redis_pid" 2>/dev/null || true
redis_pid=""

# --- 6. remove it -------------------------------------------------------------------------------

apt_get purge -y confab || fail "apt-get purge confab failed"
installed_here=0
[ ! -e /usr/bin/confab ] || fail "/usr/bin/confab is still there after removing the package"
[ ! -e /usr/bin/confab-cli ] || fail "/usr/bin/confab-cli is still there after removing the package"
[ ! -e "/usr/share/applications/$app_id.desktop" ] \
    || fail "the .desktop file is still there after removing the package"
if dpkg -s confab >/dev/null 2>&1; then
    fail "dpkg -s confab still knows the package after the purge"
fi

echo "check-deb: OK: confab $version built, installed, started, stopped and removed"
