#!/usr/bin/env bash
# Sets up (packaging/setup.sh), builds and launches Confab. With no server configured and
# nothing answering on localhost:6379, Confab itself starts a private redis-server (README,
# "Using it"), as a double-clicked Confab does.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/setup.sh"

app="$root/build/app/confab"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
    echo "run: no display found; starting Confab under Xvfb"
    exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
