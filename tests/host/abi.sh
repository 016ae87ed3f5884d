#!/bin/bash
# libmapdemo's ABI does not depend on how its user is compiled: a program
# built with -D_FILE_OFFSET_BITS=64 (and -D_TIME_BITS=64) and one built
# without see the same size, alignment and field offsets of every public
# struct and the same return and parameter sizes of every exported
# function, natively and, on x86-64, as 32-bit (-m32) programs, where
# off_t changes size.  And the symbol map agrees with the header: every
# function is versioned, the newest node is the header's MAJOR.MINOR.
# Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.bash" abi
header=$top/user/include/libmapdemo.h
map=$top/user/lib/libmapdemo.map
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inc=(-I"$top/user/include" -I"$top/driver/uapi")

note() { sed 's/^/# /'; }

# the exported functions, from the symbol map
funcs=$(sed -n 's/^[[:space:]]*\(mapdemo_[a-z0-9_]*\);.*/\1/p' "$map")

# A user of the header that prints what its ABI is made of.  The C++
# build also prints each function's return and parameter sizes, which C
# cannot name (decltype, no reference to the function itself).
{
	cat <<'EOF'
#include <stdio.h>
#include <stddef.h>
#include "libmapdemo.h"

#define LAYOUT(s) printf("struct %s: size %zu align %zu\n", #s, \
			 sizeof(struct s), (size_t)__alignof__(struct s))
#define FIELD(s, f) printf("  %s.%s: offset %zu size %zu\n", #s, #f, \
			   offsetof(struct s, f), sizeof(((struct s *)0)->f))
#ifdef __cplusplus
template <typename F> struct sig;
template <typename R, typename... A> struct sig<R(A...)> {
	static void print(const char *name)
	{
		printf("%s: returns %zu, takes", name, sizeof(R));
		int d[] = { 0, (printf(" %zu", sizeof(A)), 0)... };
		(void)d;
		printf("\n");
	}
};
#define SIG(f) sig<decltype(f)>::print(#f)
#endif

int main(void)
{
EOF
	# every struct of the two headers, every field of it
	for h in "$header" "$top/driver/uapi/mapdemo.h"; do
		awk '/^struct [a-z_0-9]+ \{/ { s = $2; print "\tLAYOUT(" s ");"; next }
		     /^\};/ { s = ""; next }
		     s != "" && /;/ {
			sub(/;.*/, ""); sub(/\[.*\]/, ""); n = split($0, w, /[ \t*]+/)
			print "\tFIELD(" s ", " w[n] ");"
		     }' "$h"
	done
	cat <<'EOF'
#ifdef __cplusplus
EOF
	for f in $funcs; do echo "	SIG($f);"; done
	cat <<'EOF'
#endif
	return 0;
}
EOF
} > "$work/abi.c"
cp "$work/abi.c" "$work/abi.cc"

# Which word sizes to build for: native, and -m32 on x86-64.
arches=(native)
if [ "$(uname -m)" = x86_64 ]; then
	if echo 'int main(void){return 0;}' | gcc -m32 -x c -o "$work/m32" - 2> "$work/m32.err" &&
	   "$work/m32"; then
		arches+=(m32)
	else
		tap 1 "-m32 builds and runs (needed to see off_t change size: apt-get install gcc-multilib)"
		note < "$work/m32.err"
	fi
fi

# the feature macros a 32-bit program may build with
variants=("" "-D_FILE_OFFSET_BITS=32" "-D_FILE_OFFSET_BITS=64"
	  "-D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64")

for arch in "${arches[@]}"; do
	m=()
	[ "$arch" = native ] || m=(-"$arch")
	for lang in c cc; do
		cc=gcc std=-std=gnu11
		[ $lang = cc ] && { cc=g++ std="-std=gnu++11 -fno-rtti"; }
		command -v $cc > /dev/null || { [ $lang = cc ] && continue; }
		ref= rc=0 why=
		for v in "${variants[@]}"; do
			# shellcheck disable=SC2086
			out=$work/$arch-$lang-$(echo "x$v" | tr -c 'a-zA-Z0-9\n' _).txt
			# linked by gcc: no C++ runtime, which -m32 may lack
			if ! $cc "${m[@]}" $std -fno-exceptions -Wall -Wextra -Werror "${inc[@]}" $v \
				-c -o "$work/abi.o" "$work/abi.$lang" 2> "$work/err" ||
			   ! gcc "${m[@]}" -o "$work/abi" "$work/abi.o" 2>> "$work/err" ||
			   ! "$work/abi" > "$out"; then
				rc=1 why="$why; ${v:-no macro}: does not build or run"
				note < "$work/err"
				continue
			fi
			if [ -z "$ref" ]; then
				ref=$out refname=${v:-no macro}
			elif ! cmp -s "$ref" "$out"; then
				rc=1 why="$why; ${v} differs from ${refname}"
				diff -U0 "$ref" "$out" | grep '^[-+][^-+]' | note
			fi
		done
		what="struct layouts"
		[ $lang = cc ] && what="struct layouts and function signatures (C++)"
		why=${why#; }
		tap $rc "$arch: $what are the same with and without _FILE_OFFSET_BITS=64${why:+ ($why)}"
	done
done

# the header and the map
major=$(sed -n 's/^#define MAPDEMO_VERSION_MAJOR[[:space:]]*\([0-9]*\)$/\1/p' "$header")
minor=$(sed -n 's/^#define MAPDEMO_VERSION_MINOR[[:space:]]*\([0-9]*\)$/\1/p' "$header")
nodes=$(sed -n 's/^\(LIBMAPDEMO_[0-9.]*\)[[:space:]]*{.*/\1/p' "$map")
newest=$(echo "$nodes" | tail -n 1)
[ -n "$major" ] && [ -n "$minor" ] && [ "$newest" = "LIBMAPDEMO_$major.$minor" ]
tap $? "the newest symbol version node ($newest) is the header's release (${major:-?}.${minor:-?})"

declared=$(gcc -E -P "${inc[@]}" "$header" | grep -o '\bmapdemo_[a-z0-9_]* *(' | tr -d ' (' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$funcs" | sort -u))
extra=$(comm -13 <(echo "$declared") <(echo "$funcs" | sort -u))
[ -z "$missing" ] && [ -z "$extra" ]
tap $? "every function the header declares is in the symbol map, and no other${missing:+; not in the map: $(echo $missing)}${extra:+; not in the header: $(echo $extra)}"
exit 0
