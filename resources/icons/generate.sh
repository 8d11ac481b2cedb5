#!/usr/bin/env bash
# Regenerates every raster icon of Confab from confab.svg, next to this script:
#
#   hicolor/NxN/apps/io.github.confab_chat.Confab.png   N = 16 22 24 32 48 64 128 256 512
#                          (installed on Linux, and embedded in the app as :/icons/confab-N.png)
#   confab.ico             Windows: 16 20 24 32 40 48 64 128 256 (128 and 256 stored as PNG)
#   confab.icns            macOS: 16 32 48 128 256 512 1024, drawn on Apple's icon grid
#                          (the tile is 824/1024 of the canvas, centred)
#
# The outputs are committed; run this after changing confab.svg:
#
#   bash resources/icons/generate.sh
#
# Needs (Debian/Ubuntu packages): librsvg2-bin (rsvg-convert), icoutils (icotool),
# icnsutils (png2icns):
#
#   sudo apt-get install librsvg2-bin icoutils icnsutils
#
# Every size is rendered from the SVG's group "icon", whose bounds are the tile, at
# (N - 2*margin) pixels and placed with a whole-pixel margin on an N x N canvas, so the
# tile's edges stay sharp at every size (margin = N/16 rounded down for the freedesktop
# and Windows sizes, as drawn in the SVG; Apple's grid for macOS).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
svg="$here/confab.svg"
app_id="io.github.confab_chat.Confab"
hicolor_sizes=(16 22 24 32 48 64 128 256 512)
ico_sizes=(16 20 24 32 40 48 64 128 256)
ico_png_sizes=(128 256)   # stored as PNG inside the .ico (smaller; Windows Vista and later)
icns_sizes=(16 32 48 128 256 512 1024)

fail() {
    echo "generate: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 not found; install the Debian package $2"
}
need rsvg-convert librsvg2-bin
need icotool icoutils
need png2icns icnsutils
[ -f "$svg" ] || fail "$svg not found"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# render SIZE MARGIN OUT: the tile at SIZE - 2*MARGIN pixels, MARGIN pixels from each edge.
render() {
    local size="$1" margin="$2" out="$3"
    local body=$((size - 2 * margin))
    rsvg-convert --export-id=icon --width="$body" --height="$body" \
        --page-width="$size" --page-height="$size" --left="$margin" --top="$margin" \
        --format=png --output="$out" "$svg" || fail "rsvg-convert failed for ${size}px"
    [ -s "$out" ] || fail "rsvg-convert wrote nothing for ${size}px"
}

# freedesktop / Windows grid: the tile leaves 1/16 of the size on each side (32 of 512).
grid_margin() {
    echo $(($1 / 16))
}

# Apple's grid: an 824 x 824 body centred on a 1024 x 1024 canvas.
apple_margin() {
    echo $((($1 * 100 + 512) / 1024))
}

for size in "${hicolor_sizes[@]}"; do
    dir="$here/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    render "$size" "$(grid_margin "$size")" "$work/$size.png"
    mv -f "$work/$size.png" "$dir/$app_id.png"
    echo "generate: hicolor/${size}x${size}/apps/$app_id.png"
done

ico_args=()
for size in "${ico_sizes[@]}"; do
    render "$size" "$(grid_margin "$size")" "$work/ico-$size.png"
    if [[ " ${ico_png_sizes[*]} " == *" $size "* ]]; then
        ico_args+=(--raw="$work/ico-$size.png")
    else
        ico_args+=("$work/ico-$size.png")
    fi
done
icotool --create --output="$work/confab.ico" "${ico_args[@]}" || fail "icotool failed"
mv -f "$work/confab.ico" "$here/confab.ico"
echo "generate: confab.ico (${ico_sizes[*]})"

icns_args=()
for size in "${icns_sizes[@]}"; do
    render "$size" "$(apple_margin "$size")" "$work/icns-$size.png"
    icns_args+=("$work/icns-$size.png")
done
png2icns "$work/confab.icns" "${icns_args[@]}" >"$work/png2icns.log" 2>&1 \
    || { cat "$work/png2icns.log" >&2; fail "png2icns failed"; }
mv -f "$work/confab.icns" "$here/confab.icns"
echo "generate: confab.icns (${icns_sizes[*]})"
