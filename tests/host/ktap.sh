#!/bin/bash
# The suite's runner (tests/mapdemo-suite) and its KTAP: against fake
# test programs (Criterion programs that pass, fail, skip and crash) and
# a fake mapdemo CLI, its output must be KTAP version 1 that the kernel's
# own parser (tools/testing/kunit/kunit_parser.py of linux-source-6.1)
# reads without an error and with the right counts; its exit codes must
# be kselftest's, as kselftest's runner.sh reports them (ok, not ok,
# SKIP); tests/ktap-count.awk must count what make check counted before.
# Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" ktap
tmp=$(mktemp -d)
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# the kernel's KTAP parser and kselftest's runner, once, into the cache
tools=$("$top/scripts/ktap-tools" 2>&1) || { tap 0 "kernel KTAP parser # SKIP $tools"; exit 0; }

# fake programs: mixed_test passes, fails, skips and crashes; pass_test
# passes twice; skip_test skips twice
cat > "$tmp/t.c" <<'C'
#include <criterion/criterion.h>
#include <signal.h>
#ifdef MIXED
Test(mixed, passes) { cr_assert(1); }
Test(mixed, fails) { cr_assert_eq(1, 2, "one is not %d", 2); }
Test(mixed, skips) { cr_skip_test("no such device here"); }
Test(mixed, crashes) { raise(SIGSEGV); }
#elif defined(PASS)
Test(pass, one) { cr_assert(1); }
Test(pass, two) { cr_assert(1); }
#else
Test(skip, one) { cr_skip_test("not here"); }
Test(skip, two) { cr_skip_test("not here either"); }
#endif
C
mk() {	# mk DIR PROGRAM...: a test directory with these programs
	local d=$1 p
	shift
	mkdir -p "$d"
	for p in "$@"; do
		case $p in
		mixed) def=MIXED ;;
		pass) def=PASS ;;
		*) def=SKIP ;;
		esac
		gcc -D$def -o "$d/${p}_test" "$tmp/t.c" -lcriterion || return 1
	done
	printf '#!/bin/sh\necho "ok - cli::the fake CLI (test)"\n' > "$d/cli-guest.sh"
}
mk "$tmp/mixed" mixed pass skip && mk "$tmp/pass" pass ||
	{ tap 1 "build the fake test programs"; exit 0; }
# a fake CLI: loads, unloads, and says the module is absent
mkdir -p "$tmp/bin"
cat > "$tmp/bin/mapdemo" <<'SH'
#!/bin/sh
case $1 in
info) echo "module        absent" ;;
esac
exit 0
SH
chmod +x "$tmp/bin/mapdemo"
cp "$top/tests/mapdemo-suite" "$top/tests/tap-to-ktap.awk" "$tmp/"

suite() {	# suite TEST-DIR OUT: run the suite, its status on stdout
	local rc=0
	PATH=$tmp/bin:$PATH MAPDEMO_TEST_DIR=$1 sh "$tmp/mapdemo-suite" > "$2" 2>&1 || rc=$?
	echo $rc
}
rc=$(suite "$tmp/mixed" "$tmp/mixed.ktap")
tap "$([ "$rc" -eq 1 ]; echo $?)" "a failing test: exit status 1, KSFT_FAIL (got $rc)"
rc=0
PATH=$tmp/bin:$PATH MAPDEMO_TEST_DIR=$tmp/mixed MAPDEMO_DONE_FILE=$tmp/done sh "$tmp/mapdemo-suite" > /dev/null 2>&1 || rc=$?
tap "$([ $rc -eq 1 ] && [ -e "$tmp/done" ]; echo $?)" "a run with a failed test goes to its end: MAPDEMO_DONE_FILE made"
mkdir -p "$tmp/noload"
printf '#!/bin/sh\n[ "$1" = load ] && { echo "mapdemo: load: mapdemo: module not found" >&2; exit 1; }\nexit 0\n' > "$tmp/noload/mapdemo"
chmod +x "$tmp/noload/mapdemo"
rm -f "$tmp/done"
rc=0
PATH=$tmp/noload:$PATH MAPDEMO_TEST_DIR=$tmp/pass MAPDEMO_DONE_FILE=$tmp/done sh "$tmp/mapdemo-suite" > "$tmp/noload.ktap" 2>&1 || rc=$?
tap "$([ $rc -eq 1 ] && [ ! -e "$tmp/done" ] && grep -q '^not ok 1 load_module$' "$tmp/noload.ktap" &&
	grep -q '^# mapdemo: load: mapdemo: module not found$' "$tmp/noload.ktap" &&
	grep -q '^Bail out! ' "$tmp/noload.ktap"; echo $?)" \
	"a module that does not load: not ok load_module with the CLI's line, Bail out!, status 1, no MAPDEMO_DONE_FILE"
rc=$(suite "$tmp/pass" "$tmp/pass.ktap")
tap "$([ "$rc" -eq 0 ]; echo $?)" "every test passing: exit status 0 (got $rc)"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups sh "$tmp/mapdemo-suite" > "$tmp/user.ktap" 2>&1 || rc=$?
tap "$([ "$rc" -eq 4 ] && grep -q '^ok 1 mapdemo-suite # SKIP' "$tmp/user.ktap"; echo $?)" \
	"not root: one SKIP result and exit status 4, KSFT_SKIP (got $rc)"
head -n1 "$tmp/mixed.ktap" | grep -qx 'KTAP version 1'
tap $? "the output starts with 'KTAP version 1'"
grep -q '^    KTAP version 1$' "$tmp/mixed.ktap" && grep -q '^    not ok [0-9] mixed::fails$' "$tmp/mixed.ktap" &&
	grep -q '^    ok [0-9] mixed::skips # SKIP no such device here$' "$tmp/mixed.ktap" &&
	grep -q '^ok [0-9] skip_test # SKIP' "$tmp/mixed.ktap" && grep -q '^not ok [0-9] mixed_test$' "$tmp/mixed.ktap"
tap $? "each program's results are nested under its own line, with # SKIP and not ok"
grep -q '^    ok 1 cli::the_fake_CLI_test$' "$tmp/mixed.ktap"
tap $? "a name with spaces and punctuation becomes one word"

# the kernel's parser: no error, and the leaf counts
parse() { "$top/scripts/ktap-tools" --parse "$1"; }
got=$(parse "$tmp/mixed.ktap" 2>&1 | tail -n1)
# leaves: load, mixed 1 pass, pass 2, cli, unload, absent: 7 passed;
# fails and crashes: 2; 3 skipped
tap "$([ "$got" = "FAILURE 7 2 0 3 0" ]; echo $?)" "kunit_parser reads the failing run: 7 passed, 2 failed, 3 skipped, no error (got: $got)"
got=$(parse "$tmp/pass.ktap" 2>&1 | tail -n1)
tap "$([ "$got" = "SUCCESS 6 0 0 0 0" ]; echo $?)" "kunit_parser reads the passing run: 6 passed, no error (got: $got)"

# the LAVA test definition's parse pattern: every result but the skips
pattern=$(sed -n "s/^  pattern: '\(.*\)'$/\1/p" "$top/tests/lava/mapdemo-suite.yaml")
got=$(python3 -c '
import re, sys
p = re.compile(sys.argv[1])
ms = [p.match(l.rstrip("\n")) for l in open(sys.argv[2])]
ms = [m.groupdict() for m in ms if m]
print(len(ms), sum(m["result"] == "not ok" for m in ms), len({m["test_case_id"] for m in ms}))
' "$pattern" "$tmp/mixed.ktap" 2>&1)
# top level: load, mixed_test, pass_test, cli, unload, absent (skip_test
# skipped); nested: mixed's pass, fail, crash, pass's two, cli's one:
# 12 results, 3 not ok (mixed_test too), 12 ids
tap "$([ "$got" = "12 3 12" ]; echo $?)" "the LAVA definition's pattern reads 12 results, 3 failed, each its own id (got: $got)"

# make check's count: every leaf once, skips with the passed
got=$(awk -f "$top/tests/ktap-count.awk" "$tmp/mixed.ktap")
tap "$([ "$got" = "10 2" ]; echo $?)" "ktap-count: 10 passed, 2 failed (got: $got)"
count() {	# count KTAP WANT DESCRIPTION
	local got
	got=$(printf "$1" | awk -f "$top/tests/ktap-count.awk")
	tap "$([ "$got" = "$2" ]; echo $?)" "ktap-count: $3: '$2' (got: '$got')"
}
count 'ok 1 a\n    ok 1 x\nok 2 b\n' "2 0" "a passing parent is not counted, its subtests are"
count '    not ok 1 x\n    ok 2 y\nnot ok 1 b\n' "1 1" "a failing parent with a failed subtest is not counted again"
count '    ok 1 x\nnot ok 1 b # exit=1\nok 2 c\n' "2 1" "a program that failed with no failed test is one failure"
count '        not ok 1 x\n    not ok 1 y\nnot ok 1 z\n' "0 1" "a failure nested two deep counts once"

# kselftest's runner: the suite as one of its tests, exit codes read
ks() {	# ks TEST-DIR: runner.sh's line for mapdemo-suite
	mkdir -p "$tmp/ks/mapdemo"
	cp "$tmp/mapdemo-suite" "$tmp/tap-to-ktap.awk" "$tmp/ks/mapdemo/"
	(cd "$tmp/ks/mapdemo" && BASE_DIR=$tmp/ks PATH=$tmp/bin:$PATH MAPDEMO_TEST_DIR=$1 \
		sh -c '. "$0"; run_many ./mapdemo-suite' "$tools/tools/testing/selftests/kselftest/runner.sh" 2>&1) |
		grep -a '^\(not \)\{0,1\}ok 1 '
}
mkdir -p "$tmp/ks" && cp -r "$tools/tools/testing/selftests/kselftest" "$tmp/ks/"
got=$(ks "$tmp/pass")
tap "$([ "$got" = "ok 1 selftests: mapdemo: mapdemo-suite" ]; echo $?)" "kselftest's runner: passing run is ok (got: $got)"
got=$(ks "$tmp/mixed")
tap "$([ "$got" = "not ok 1 selftests: mapdemo: mapdemo-suite # exit=1" ]; echo $?)" "kselftest's runner: failing run is not ok, exit=1 (got: $got)"
exit 0
