#!/usr/bin/env bash
# Runs a test against a real Secret Service: a private D-Bus session with an unlocked
# gnome-keyring of its own (in a temporary home), so the keychain round trip is exercised
# without touching the user's. Usage: with-keyring.sh TEST [ARGS...]
set -euo pipefail
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
    printf confab-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    export CONFAB_EXPECT_KEYCHAIN=1
    exec "$@"' with-keyring "$@"
