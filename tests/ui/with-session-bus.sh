#!/usr/bin/env bash
# Runs a test on a private D-Bus session bus of its own (dbus-run-session), so that it can
# offer and use services without touching the user's session. Usage: with-session-bus.sh TEST
set -euo pipefail
exec dbus-run-session -- "$@"
