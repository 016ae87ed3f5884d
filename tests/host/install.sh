#!/bin/bash
# make install into a DESTDIR: every file in place, the library's SONAME
# and symbol versions, the header usable alone, mapdemo.pc, a man page
# for every function that renders without warnings; then make uninstall
# leaves no file behind.  Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" install
dest=$(mktemp -d) work=$(mktemp -d)
trap 'rm -rf "$dest" "$work"' EXIT

ok() { "$@" > "$work/out" 2>&1; }

ok make -C "$top" -s --no-print-directory install DESTDIR="$dest" PREFIX=/usr
tap $? "make install DESTDIR=... PREFIX=/usr"
u=$dest/usr

missing=
for f in bin/mapdemo lib/libmapdemo.so.1 lib/libmapdemo.so lib/libmapdemo.a \
	lib/pkgconfig/mapdemo.pc include/libmapdemo.h include/mapdemo.h \
	share/man/man1/mapdemo.1 share/man/man3/libmapdemo.3 share/man/man4/mapdemo.4; do
	[ -e "$u/$f" ] || missing+=" $f"
done
tap "$([ -z "$missing" ]; echo $?)" "library, headers, pkg-config file, CLI and man pages installed${missing:+: missing$missing}"
tap "$([ "$(readlink "$u/lib/libmapdemo.so")" = libmapdemo.so.1 ]; echo $?)" "libmapdemo.so links to libmapdemo.so.1"
tap "$(readelf -d "$u/lib/libmapdemo.so.1" | grep -q 'SONAME.*\[libmapdemo.so.1\]'; echo $?)" "SONAME is libmapdemo.so.1"

# the functions the header declares, the library exports and the man pages describe
grep -o '\bmapdemo_[a-z_]*(' "$u/include/libmapdemo.h" | tr -d '(' | sort -u > "$work/declared"
nm -D --defined-only "$u/lib/libmapdemo.so.1" | awk '$2 == "T" { print $3 }' | sort -u > "$work/exported"
tap "$(grep -qv '@@LIBMAPDEMO_1\.[012]$' "$work/exported"; [ $? -eq 1 ]; echo $?)" "every exported symbol is versioned LIBMAPDEMO_1.0, 1.1 or 1.2"
tap "$(grep '^mapdemo_matrix_\|^mapdemo_cell_' "$work/exported" | grep -qv '@@LIBMAPDEMO_1\.1$'; [ $? -eq 1 ]; echo $?)" "the matrix functions are LIBMAPDEMO_1.1, the release that added them"
sed -i 's/@.*//' "$work/exported"
tap "$(cmp -s "$work/declared" "$work/exported"; echo $?)" "the library exports exactly the functions the header declares$(
	diff "$work/declared" "$work/exported" | grep '^[<>]' | tr '\n' ' ')"
nopage=
while read -r f; do
	[ -e "$u/share/man/man3/$f.3" ] || nopage+=" $f"
done < "$work/declared"
tap "$([ -z "$nopage" ]; echo $?)" "every function has a man page${nopage:+: none for$nopage}"
tap "$(nm "$u/lib/libmapdemo.a" | grep -c ' T mapdemo_' | grep -qx "$(wc -l < "$work/declared")"; echo $?)" "libmapdemo.a defines every function"

# the installed header alone, from C and C++
printf '#include <libmapdemo.h>\nint main(void) { return mapdemo_parse_mode("zero"); }\n' > "$work/t.c"
ok cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$u/include" -fsyntax-only "$work/t.c"
tap $? "the installed header compiles alone, C11 -pedantic"
cp "$work/t.c" "$work/t.cc"
ok c++ -Wall -Wextra -Werror -I"$u/include" -fsyntax-only "$work/t.cc"
tap $? "the installed header compiles as C++"

# (sed: pkg-config ends its output with a blank)
pc() { PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$u/lib/pkgconfig pkg-config "$@" | sed 's/ *$//'; }
tap "$([ "$(pc --cflags mapdemo)" = "-I$u/include" ] &&
	[ "$(pc --libs mapdemo)" = "-L$u/lib -lmapdemo" ] &&
	[ "$(pc --modversion mapdemo)" = 1.2.0 ]; echo $?)" "mapdemo.pc gives the installed paths"
read -ra flags <<< "$(pc --cflags --libs mapdemo)"
rc=1
ok cc -Wall -Wextra -Werror -o "$work/t" "$work/t.c" "${flags[@]}" -Wl,-rpath,"$u/lib" && "$work/t" && rc=0
tap $rc "a program builds and runs against the installed library"

# every page, aliases included, renders without a warning
bad=
cd "$u/share/man" || exit 1
for p in man*/*; do
	w=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 > /dev/null)
	[ -z "$w" ] || bad+=" $p: $w"
done
cd - > /dev/null || exit 1
tap "$([ -z "$bad" ]; echo $?)" "man -l renders every page without warnings${bad:+:$bad}"

ok make -C "$top" -s --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr
tap $? "make uninstall"
left=$(find "$dest" ! -type d)
tap "$([ -z "$left" ]; echo $?)" "uninstall leaves no file behind${left:+: ${left//$'\n'/ }}"
exit 0
