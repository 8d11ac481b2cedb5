#!/usr/bin/env bash
# Sets up (packaging/setup.sh), builds and launches Confab. With no server configured
# (REDIS_URL / REDIS_HOST unset) and nothing answering on localhost:6379, a private
# redis-server is started first, its data under ~/.local/share/Confab/redis.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/setup.sh"

if [ -z "${REDIS_URL:-}" ] && [ -z "${REDIS_HOST:-}" ]; then
    port="${REDIS_PORT:-6379}"
    if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
        data="${XDG_DATA_HOME:-$HOME/.local/share}/Confab/redis"
        mkdir -p "$data"
        echo "run: no Redis on localhost:$port; starting a private one (data in $data)"
        redis-server --port "$port" --bind 127.0.0.1 --dir "$data" --appendonly yes \
            --daemonize yes --logfile "$data/redis.log"
    fi
fi

app="$root/build/app/confab"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
    echo "run: no display found; starting Confab under Xvfb"
    exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
