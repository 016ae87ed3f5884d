#!/bin/bash
# qemu/image-run, make image's one command line, against a fake
# qemu-system-x86_64: the job's status must come back through QEMU's
# 2 * status + 3; a KVM that stops the box before its job (as nested
# hosts' can) or cannot start it must give way to TCG; a box without a
# verdict, a hung box and bad settings must give their own status and
# one line.  Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" image_run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fake: FAKE_KVM (hang, fail or boot) says what -accel kvm does;
# under TCG the box boots.  A box that boots prints the line its job
# starts with, then exits as QEMU does after the job's status FAKE_STATUS
# reached isa-debug-exit (or 0, a power-off without one, for
# FAKE_STATUS=none).  Every call is logged in $FAKE_CALLS.
mkdir -p "$tmp/bin" "$tmp/job"
cat > "$tmp/bin/qemu-system-x86_64" <<'FAKE'
#!/bin/bash
accel= log=
while [ $# -gt 0 ]; do
	case $1 in
	-accel) accel=$2; shift ;;
	-chardev) log=${2##*logfile=}; shift ;;
	esac
	shift
done
echo "$accel" >> "$FAKE_CALLS"
if [ "$accel" = kvm ]; then
	case $FAKE_KVM in
	hang) echo "KVM internal error. Suberror: 1" >&2; echo $$ > "$FAKE_CALLS.hung"; exec sleep 300 ;;
	fail) echo "qemu-system-x86_64: failed to initialize kvm" >&2; exit 1 ;;
	esac
fi
echo "mapdemo-run: running run from /dev/vdb1 on fake" | tee -a "$log"
echo "job: hello" | tee -a "$log"
[ "$FAKE_STATUS" = none ] && exit 0
exit $((2 * FAKE_STATUS + 3))
FAKE
chmod +x "$tmp/bin/qemu-system-x86_64"
printf '#!/bin/sh\nexit 0\n' > "$tmp/job/run"
touch "$tmp/img.qcow2" "$tmp/kvm"

# image_run NAME [VAR=VALUE...]: image-run with the fake, its status in
# $rc, its output in $tmp/NAME.out, the accelerators it asked for in
# $calls, its time in $took (FAKE_CALLS.hung: the pid of a KVM box that
# hung)
image_run() {
	local name=$1 t=$SECONDS
	shift
	: > "$tmp/calls"
	rm -f "$tmp/calls.hung"
	rc=0
	env PATH="$tmp/bin:$PATH" FAKE_CALLS="$tmp/calls" FAKE_KVM=boot FAKE_STATUS=7 \
		IMAGE_KVM_DEV="$tmp/kvm" IMAGE_KVM_WAIT=2 ACCEL=auto "$@" \
		"$top/qemu/image-run" "$tmp/img.qcow2" "$tmp/job" > "$tmp/$name.out" 2>&1 || rc=$?
	calls=$(tr '\n' ' ' < "$tmp/calls")
	took=$((SECONDS - t))
}

image_run boots
tap "$([ $rc -eq 7 ] && [ "$calls" = "kvm " ]; echo $?)" \
	"auto with a working KVM: one boot under KVM, the job's status 7 back (got $rc; boots: $calls)"
tap "$(grep -q '^job: hello' "$tmp/boots.out"; echo $?)" "the box's console reaches the terminal"

image_run hangs FAKE_KVM=hang
tap "$([ $rc -eq 7 ] && [ "$calls" = "kvm tcg " ]; echo $?)" \
	"auto with a KVM that stops the box: KVM, then TCG, the job's status back (got $rc; boots: $calls)"
tap "$(grep -c 'under KVM the box did not reach its job (2s, ' "$tmp/hangs.out" | grep -qx 1; echo $?)" \
	"the fall-back is said in one line that names the wait"
hung=$(cat "$tmp/calls.hung" 2>/dev/null || echo 0)
tap "$([ "$hung" -gt 0 ] && ! kill -0 "$hung" 2>/dev/null && [ "$took" -lt 60 ]; echo $?)" \
	"the KVM box that hung is killed at IMAGE_KVM_WAIT, not left running (${took}s)"

image_run fails FAKE_KVM=fail
tap "$([ $rc -eq 7 ] && [ "$calls" = "kvm tcg " ]; echo $?)" \
	"auto with a KVM that cannot start: TCG (got $rc; boots: $calls)"

image_run nokvm IMAGE_KVM_DEV="$tmp/absent" FAKE_KVM=hang
tap "$([ $rc -eq 7 ] && [ "$calls" = "tcg " ]; echo $?)" \
	"auto without a usable KVM device: TCG only (got $rc; boots: $calls)"

image_run forced ACCEL=kvm FAKE_KVM=hang IMAGE_TIMEOUT=2
tap "$([ $rc -eq 124 ] && [ "$calls" = "kvm " ]; echo $?)" \
	"ACCEL=kvm is not watched: a hung box is killed at IMAGE_TIMEOUT, status 124 (got $rc; boots: $calls)"

image_run zero FAKE_STATUS=0
tap "$([ $rc -eq 0 ]; echo $?)" "a job's status 0 comes back as 0 (got $rc)"

image_run noverdict FAKE_STATUS=none
tap "$([ $rc -eq 125 ] && grep -q 'powered off without a verdict' "$tmp/noverdict.out"; echo $?)" \
	"a box that powers off without a verdict: 125 and one line (got $rc)"

image_run badaccel ACCEL=xen
tap "$([ $rc -eq 125 ] && [ -z "$calls" ] && grep -q 'ACCEL=xen: unknown accelerator' "$tmp/badaccel.out"; echo $?)" \
	"ACCEL=xen: 125, no boot, one line naming it (got $rc)"

image_run badwait IMAGE_KVM_WAIT=soon
tap "$([ $rc -eq 125 ] && [ -z "$calls" ] && grep -q "got 'soon'" "$tmp/badwait.out"; echo $?)" \
	"IMAGE_KVM_WAIT=soon: 125, no boot, one line naming it (got $rc)"
exit 0
