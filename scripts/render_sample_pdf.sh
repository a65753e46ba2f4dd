#!/usr/bin/env bash
# Renders the reference sample's text into PDFs the way offices publish them: A4, a real CJK font
# (Debian's fonts-noto-cjk), every table ruled, narrow amount columns in wide tables so long amounts
# wrap inside their cells, tables that run on over page breaks, a running header and page numbers.
#
#   scripts/render_sample_pdf.sh [SAMPLE.txt] [OUT_DIR]
#
# Two renditions of the same HTML (made by scripts/sample_to_html.py, standard library only):
#   <name>.libreoffice.pdf  LibreOffice Writer (soffice --headless --convert-to pdf): rules as stroked
#                           segments, the CFF font embedded as simple Type 1 subsets with ToUnicode;
#   <name>.chromium.pdf     headless Chromium (--print-to-pdf): rules as thin filled rectangles, a
#                           TrueType copy of the font embedded as a CID subset (Identity-H).
# Chromium prints CFF-outline fonts (Noto CJK is one) as Type 3 glyph procedures, 1.5 MB for this
# document; scripts/noto_truetype.py converts the font's used glyphs to TrueType first, which Skia
# embeds the ordinary way. Missing tools are installed from Debian's packages when run as root; a
# rendition whose tool cannot be had is skipped with a warning.
#
# The PDFs are committed under samples/pdf/ (see samples/pdf/SOURCE.md): tests read them and need
# none of these tools.
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLE=${1:-samples/000_163e4aab9eba8502.txt}
OUT=${2:-samples/pdf}
NAME=$(basename "$SAMPLE" .txt)
PY=/usr/bin/python3

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "render_sample_pdf: missing $*; install them (Debian packages) or run as root" >&2
    return 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || apt_install fonts-noto-cjk
[ -x "$PY" ] || apt_install python3
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- LibreOffice -------------------------------------------------------------------------------
if command -v soffice >/dev/null 2>&1 || apt_install libreoffice-writer; then
  "$PY" scripts/sample_to_html.py "$SAMPLE" "$work/$NAME.html" --flavor libreoffice
  # A private profile: no first-start dialogs, no interference with a user's running office.
  soffice -env:UserInstallation="file://$work/lo-profile" --headless \
    --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export \
    --outdir "$work/lo" "$work/$NAME.html" >/dev/null 2>&1
  mv "$work/lo/$NAME.pdf" "$OUT/$NAME.libreoffice.pdf"
  echo "wrote $OUT/$NAME.libreoffice.pdf"
else
  echo "render_sample_pdf: LibreOffice not available, skipping that rendition" >&2
fi

# --- Chromium ----------------------------------------------------------------------------------
if { command -v chromium >/dev/null 2>&1 || apt_install chromium; } &&
  { "$PY" -c 'import fontTools' 2>/dev/null || apt_install python3-fonttools; }; then
  mkdir -p "$work/fonts"
  for face in Regular Bold; do
    suffix=""
    [ "$face" = Bold ] && suffix=" Bold"
    "$PY" scripts/noto_truetype.py "/usr/share/fonts/opentype/noto/NotoSansCJK-$face.ttc" \
      "Noto Sans CJK SC$suffix" "$SAMPLE" "$work/fonts/NotoSansCJKsc-TT-$face.ttf" \
      "Noto Sans CJK SC TT"
  done
  cat >"$work/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$work/fonts</dir>
  <cachedir>$work/fc-cache</cachedir>
</fontconfig>
EOF
  "$PY" scripts/sample_to_html.py "$SAMPLE" "$work/$NAME.html" --flavor chromium
  sed -i 's/"Noto Sans CJK SC"/"Noto Sans CJK SC TT"/g' "$work/$NAME.html"
  # No tagging (a structure tree would triple the size), no browser header/footer: the page's own
  # @page margin boxes print the running header and the page numbers.
  FONTCONFIG_FILE="$work/fonts.conf" chromium --headless --no-sandbox --disable-gpu \
    --no-pdf-header-footer --disable-pdf-tagging --user-data-dir="$work/chromium-profile" \
    --print-to-pdf="$OUT/$NAME.chromium.pdf" "file://$work/$NAME.html" >/dev/null 2>&1
  echo "wrote $OUT/$NAME.chromium.pdf"
else
  echo "render_sample_pdf: Chromium not available, skipping that rendition" >&2
fi
ls -l "$OUT"/*.pdf
