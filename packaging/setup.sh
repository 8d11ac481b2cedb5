#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu machine lacks to build, run and test Confab (only
# the missing packages), then configures and builds with the default CMake preset.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libgl-dev libxkbcommon-dev
    libhiredis-dev qtkeychain-qt6-dev
    redis-server redis-tools
    openssl ca-certificates
    xvfb xauth fonts-dejavu-core fonts-noto-color-emoji openbox
    file appstream desktop-file-utils
    dbus-daemon gnome-keyring
    clang libclang-rt-dev
    python3 python3-redis python3-hiredis
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cd "$root"
cmake --preset default
cmake --build --preset default
