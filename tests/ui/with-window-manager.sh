#!/usr/bin/env bash
# Runs a widget test on a real X server with a real window manager (Xvfb and Openbox), for
# defects that only a window manager shows (where it places and focuses windows).
# Usage: with-window-manager.sh TEST [ARGS...]
set -euo pipefail
run="$(mktemp -d)"
cleanup() {
    [ -n "${wm:-}" ] && kill "$wm" 2>/dev/null || true
    [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
    rm -rf "$run"
}
trap cleanup EXIT
mkfifo "$run/display" "$run/wm-ready"
# -displayfd: Xvfb picks a free display and writes its number once it accepts connections.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$run/display" >"$run/xvfb.log" 2>&1 &
xvfb=$!
read -r display <"$run/display"
export DISPLAY=":$display"
export HOME="$run" XDG_CONFIG_HOME="$run/config"
# --startup runs once Openbox manages the screen: the test starts after that.
openbox --sm-disable --startup "sh -c 'echo >$run/wm-ready'" >"$run/openbox.log" 2>&1 &
wm=$!
read -r _ <"$run/wm-ready"
export QT_QPA_PLATFORM=xcb
"$@"
