#!/bin/sh
# `cmake --install` into a temporary prefix puts the binary, the launcher, the icon and the
# AppStream metadata in place, and the desktop validators accept them.
# Usage: test_install.sh <build dir>
set -eu
build="$1"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install $build --prefix $prefix"
for f in bin/posenc-studio \
         share/applications/posenc-studio.desktop \
         share/icons/hicolor/scalable/apps/posenc-studio.svg; do
    [ -s "$prefix/$f" ] || fail "not installed: $f"
done
# resources/posenc-studio.metainfo.xml, installed under its component id (<id>.metainfo.xml).
set -- "$prefix"/share/metainfo/*.metainfo.xml
[ $# -eq 1 ] && [ -s "$1" ] || fail "not installed: share/metainfo/<id>.metainfo.xml"
metainfo="$1"
id="$(basename "$metainfo" .metainfo.xml)"
grep -q "<id>$id</id>" "$metainfo" || fail "$metainfo does not declare <id>$id</id>"
[ -x "$prefix/bin/posenc-studio" ] || fail "bin/posenc-studio is not executable"
version="$("$prefix/bin/posenc-studio" --version)" || fail "the installed binary does not run"
[ "$version" = "posenc-studio ${POSENC_VERSION:?}" ] || fail "--version printed '$version'"

for tool in desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || fail "$tool is missing (Debian: desktop-file-utils, appstream)"
done
desktop-file-validate "$prefix/share/applications/posenc-studio.desktop" ||
    fail "desktop-file-validate"
# --strict: warnings and infos fail too, not only errors.
appstreamcli validate --no-net --strict "$metainfo" ||
    fail "appstreamcli validate"
# The whole tree: the metainfo's launchable .desktop file is found where installed (--strict as above).
appstreamcli validate-tree --no-net --strict "$prefix" || fail "appstreamcli validate-tree"
# validate-tree does not look for the icon: the launcher names the installed one.
grep -qx "Icon=posenc-studio" "$prefix/share/applications/posenc-studio.desktop" ||
    fail "the .desktop file's Icon= is not posenc-studio"
echo "PASS: installed and validated in $prefix"
