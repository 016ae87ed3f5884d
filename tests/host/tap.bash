# Sourced by the host-side shell tests: `. tap.bash NAME` gives `top`, the
# source tree, and `tap STATUS DESCRIPTION`, which prints the TAP line
# "ok - host::NAME::DESCRIPTION" for status 0, "not ok - ..." otherwise.
tap_name=${1:?tap.bash: give the test its name}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

tap() {	# tap STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then
		echo "ok - host::$tap_name::$2"
	else
		echo "not ok - host::$tap_name::$2"
	fi
}
