# shellcheck shell=bash
# Helpers shared by the harness scripts: build an initramfs, pick an
# accelerator, boot the guest and judge its kernel log.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${MAPDEMO_CACHE:-$HOME/.cache/mapdemo}
build=$top/build

die() { echo "mapdemo: $*" >&2; exit 1; }
# shellcheck source=qemu/arch.sh
. "$top/qemu/arch.sh"

# Load KREL, KDIR, VMLINUZ, KMODULES, MODULE_DIR, GUEST_ARCH for the
# selected kernel (KERNEL, KERNEL_FLAVOUR, KERNEL_ABI: qemu/kernel-fetch);
# $ubuild is where the userspace for its architecture is built, $sysroot
# the Debian root it was linked against (empty: the host's own).
load_kernel() {
	local env
	env=$("$top/qemu/kernel-fetch") || exit 1
	eval "$env"
	: "${GUEST_ARCH:=amd64}"
	ubuild=$(arch_userdir "$GUEST_ARCH")
	sysroot=$(arch_sysroot "$GUEST_ARCH")
}

# The accelerator is checked before anything is built or booted.
case ${ACCEL:-auto} in
auto|kvm|tcg) ;;
*) die "ACCEL=$ACCEL: unknown accelerator; accelerators: auto kvm tcg" ;;
esac

# The shared libraries an ELF file names (DT_NEEDED).
needed_libs() {
	readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# A cross-built ELF file's shared libraries (DT_NEEDED, and theirs), as
# found beside the binaries or in the sysroot; its program interpreter
# first.  (ldd cannot run a foreign binary.)
sysroot_libs() {
	local f=$1 seen=" " name d lib triple
	local -a todo
	triple=$(arch_triple "$GUEST_ARCH")
	readelf -l "$f" 2>/dev/null | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p'
	mapfile -t todo < <(needed_libs "$f")
	while [ ${#todo[@]} -gt 0 ]; do
		name=${todo[0]}
		todo=("${todo[@]:1}")
		case $seen in *" $name "*) continue ;; esac
		seen+="$name "
		lib=
		for d in "$ubuild/lib" "$sysroot/lib/$triple" "$sysroot/usr/lib/$triple"; do
			[ -e "$d/$name" ] && { lib=$d/$name; break; }
		done
		[ -n "$lib" ] || die "initramfs: $name, which $(basename "$f") needs, is in neither $ubuild/lib nor the sysroot"
		echo "$lib"
		mapfile -t -O ${#todo[@]} todo < <(needed_libs "$lib")
	done
}

# Copy an ELF file's shared libraries (as ldd resolves them, or from the
# sysroot for another architecture) into $1/lib.
copy_libs() {
	local root=$1 f=$2 lib
	if [ -n "${sysroot:-}" ]; then
		for lib in $(sysroot_libs "$f"); do
			case $lib in
			/lib/*) cp -Ln "$sysroot$lib" "$root$lib" ;;	# the interpreter
			*) cp -Ln "$lib" "$root/lib/" ;;
			esac
		done
		return
	fi
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		case $lib in
		*/ld-linux-x86-64.so.2)
			mkdir -p "$root/lib64"
			cp -L "$lib" "$root/lib64/ld-linux-x86-64.so.2" ;;
		*)
			cp -Ln "$lib" "$root/lib/" ;;
		esac
	done
}

# copy_kmod ROOT PATH: the kernel's module kernel/PATH into the initramfs
# at ROOT; 6.12+ ship modules xz-compressed, which the guest's libkmod may
# not read: unpacked here
copy_kmod() {
	local to=$1/lib/modules/$KREL/kernel/$2 from=$KMODULES/kernel/$2
	mkdir -p "$(dirname "$to")"
	if [ -f "$from" ]; then
		cp "$from" "$to"
	elif [ -f "$from.xz" ]; then
		xz -dc "$from.xz" > "$to" || die "initramfs: cannot unpack $from.xz"
	else
		die "initramfs: $KREL has no $2 ($from)"
	fi
}

# copy_kmods ROOT NAME...: the kernel's modules of those names (a module's
# name has _ where its file may have -) and every module they depend on
# (modinfo's depends), into the initramfs at ROOT; built-in ones and
# those this kernel lacks are skipped (a test that needs one says so)
copy_kmods() {
	local root=$1 name f rel
	local -a deps
	shift
	for name in "$@"; do
		name=${name//-/_}
		case " ${kmods_done:-} " in *" $name "*) continue ;; esac
		kmods_done="${kmods_done:-} $name"
		f=$(find "$KMODULES/kernel" -regextype posix-extended \
			-regex ".*/${name//_/[-_]}\.ko(\.xz)?" -print -quit)
		[ -n "$f" ] || continue
		rel=${f#"$KMODULES/kernel/"}
		rel=${rel%.xz}
		grep -qxF "kernel/$rel" "$KMODULES/modules.builtin" && continue
		copy_kmod "$root" "$rel"
		IFS=, read -r -a deps <<< "$(modinfo -F depends "$f")" ||
			die "initramfs: modinfo cannot read $f"
		[ ${#deps[@]} -eq 0 ] || copy_kmods "$root" "${deps[@]}"
	done
}

# copy_verbs ROOT: libibverbs and its soft-RoCE provider (librxe), which
# the matrix's rdma-reg-mr cells dlopen(): the library and what it links
# into ROOT/lib, the provider where libibverbs looks for it (its
# /usr/lib/TRIPLE/libibverbs) and the rxe.driver file that names it
# (/etc/libibverbs.d).  From the host (scripts/deps installs
# ibverbs-providers), or for another architecture from the sysroot's
# RDMA part (scripts/sysroot ARCH rdma).
copy_verbs() {
	local root=$1 from triple provider lib
	triple=$(arch_triple "$GUEST_ARCH")
	if [ -n "${sysroot:-}" ]; then
		from=$("$top/scripts/sysroot" "$GUEST_ARCH" rdma) || die "initramfs: no $GUEST_ARCH RDMA sysroot"
	else
		from=
	fi
	provider=$from/usr/lib/$triple/libibverbs/librxe-rdmav34.so
	if [ ! -f "$provider" ] || [ ! -f "$from/etc/libibverbs.d/rxe.driver" ]; then
		die "initramfs: no libibverbs rxe provider ($provider; scripts/deps installs ibverbs-providers)"
	fi
	mkdir -p "$root/usr/lib/$triple/libibverbs" "$root/etc/libibverbs.d"
	cp -L "$provider" "$root/usr/lib/$triple/libibverbs/"
	cp "$from/etc/libibverbs.d/rxe.driver" "$root/etc/libibverbs.d/"
	for lib in libibverbs.so.1 libnl-3.so.200 libnl-route-3.so.200; do
		for d in "$from/usr/lib/$triple" "$from/lib/$triple"; do
			[ -e "$d/$lib" ] && { cp -Ln "$d/$lib" "$root/lib/"; continue 2; }
		done
		die "initramfs: no $lib in ${from:-the host}/usr/lib/$triple"
	done
}

# mk_initramfs OUT CMD-SCRIPT [--interactive] FILE...
# FILEs go to /mapdemo/bin (executables and scripts) with their libraries;
# the module goes to /lib/modules/$KREL/extra so libkmod finds it by name.
mk_initramfs() {
	local out=$1 cmd=$2 root f
	shift 2
	root=$(mktemp -d "$build/initramfs.XXXXXX")
	# mktemp's 0700 would lock every user but root out of the guest's /
	chmod 0755 "$root"
	mkdir -p "$root"/{bin,lib,lib64,proc,sys,dev,tmp,mapdemo/bin,mapdemo/lib}
	mkdir -p "$root/lib/modules/$KREL/extra"
	cp "${sysroot:-}/bin/busybox" "$root/bin/busybox"
	cp "$top/qemu/guest-init" "$root/init"
	chmod 0755 "$root/init"
	cp "$cmd" "$root/mapdemo/cmd"
	for f in "$@"; do
		case $f in
		--interactive) touch "$root/mapdemo/interactive"; continue ;;
		esac
		[ -e "$f" ] || die "initramfs: no such file: $f"
		cp -L "$f" "$root/mapdemo/bin/"
		[ "$(head -c4 "$f" | tail -c3)" = ELF ] && copy_libs "$root" "$f"
	done
	local ko=$MODULE_DIR/driver/mapdemo.ko
	[ -f "$ko" ] || die "initramfs: no module built for $KREL ($ko; make guest-module)"
	cp "$ko" "$root/lib/modules/$KREL/extra/"
	# brd, a RAM disk: the dma tests' O_DIRECT needs a block device and
	# Debian builds none in
	copy_kmod "$root" drivers/block/brd.ko
	# the behaviour matrix's rdma-reg-mr cells: soft-RoCE (rdma_rxe) on
	# a dummy netdev, and its verbs library; madvise-hwpoison's unpoison
	# (hwpoison_inject).  Only what the kernel has.
	kmods_done=
	# (crc32_generic: 6.x's rxe asks the crypto API for crc32)
	copy_kmods "$root" rdma_rxe ib_uverbs dummy hwpoison_inject crc32_generic
	copy_verbs "$root"
	# what the architecture's guest init loads first (its output channel)
	# (none where the kernel has it built in: Debian's 6.12 and 7.3
	# arm64 kernels build virtio_console in, 6.1's as a module)
	local m
	for m in $(arch_modules "$GUEST_ARCH"); do
		grep -qxF "kernel/$m" "$KMODULES/modules.builtin" && continue
		copy_kmod "$root" "$m"
		basename "$m" .ko >> "$root/mapdemo/boot-modules"
	done
	arch_out_dev "$GUEST_ARCH" > "$root/mapdemo/out-dev"
	cp "$KMODULES"/modules.{builtin,builtin.modinfo,order} "$root/lib/modules/$KREL/"
	depmod -b "$root" "$KREL" || die "depmod failed"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$out" ||
		die "cannot write initramfs $out"
	rm -rf "$root"
}

# qemu_base ACCEL: the emulator for the kernel's architecture, its
# machine and CPU, and what every boot shares
qemu_base() {
	echo $(arch_qemu "$GUEST_ARCH" "$1") -nodefaults -no-user-config -no-reboot \
		-display none -m "${GUEST_MEM:-2048}" -smp "${GUEST_CPUS:-2}"
}

# DMA_DT=coherent|noncoherent (arm64 guests): boot with virt's own device
# tree, dumped by qemu for this machine (-M virt,dumpdtb=), plus a node
# compatible with "mapdemo,dma-buffer", with or without "dma-coherent".
# The driver then maps its DMA buffer for the device the kernel made for
# that node (of_dma_configure()), as on a board whose firmware describes
# it; without DMA_DT it uses a platform device of its own, which arm64
# takes as not coherent.  The guest learns the choice as MAPDEMO_DMA_DT.
# Prints qemu's -dtb argument (nothing without DMA_DT).
dma_dt_args() {
	local dir=$1 accel=$2 dtb
	case ${DMA_DT:-} in
	'') return 0 ;;
	coherent|noncoherent) ;;
	*) die "DMA_DT=$DMA_DT: not coherent or noncoherent" ;;
	esac
	[ "$GUEST_ARCH" = arm64 ] ||
		die "DMA_DT=$DMA_DT: arm64 guests only (an x86 guest has no device tree, and every x86 device is coherent)"
	command -v fdtput >/dev/null || die "DMA_DT needs fdtput (apt-get install device-tree-compiler)"
	dtb=$dir/virt.dtb
	$(qemu_base "$accel") -accel "$accel" -machine "dumpdtb=$dtb" >/dev/null 2>&1 ||
		die "qemu could not dump the virt machine's device tree"
	fdtput -c "$dtb" /mapdemo-dma &&
		fdtput -t s "$dtb" /mapdemo-dma compatible mapdemo,dma-buffer ||
		die "fdtput could not add the mapdemo-dma node to $dtb"
	if [ "$DMA_DT" = coherent ]; then
		fdtput "$dtb" /mapdemo-dma dma-coherent || die "fdtput could not mark $dtb's node dma-coherent"
	fi
	echo "mapdemo: device tree with a $DMA_DT mapdemo-dma node" >&2
	echo "-dtb $dtb"
}

# Decide between KVM and TCG.  /dev/kvm can exist and still hang a guest,
# so a short probe boot must reach the guest's init.  Cached per kernel;
# ACCEL=kvm or ACCEL=tcg skips the probe.
choose_accel() {
	local stamp=$cache/accel-$KREL probe rc
	case ${ACCEL:-auto} in
	kvm|tcg) echo "$ACCEL"; return ;;
	esac
	if [ "$GUEST_ARCH" != amd64 ]; then
		echo "mapdemo: an $GUEST_ARCH guest on this amd64 host: TCG" >&2
		echo tcg; return
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "mapdemo: no usable /dev/kvm: TCG" >&2
		echo tcg; return
	fi
	if [ -f "$stamp" ]; then
		echo "mapdemo: accelerator from an earlier probe: $(cat "$stamp") (ACCEL=kvm|tcg overrides)" >&2
		cat "$stamp"; return
	fi
	echo "mapdemo: probing KVM with a short boot" >&2
	probe=$(mktemp -d "$build/probe.XXXXXX")
	echo 'true' > "$probe/cmd"
	mk_initramfs "$probe/initrd" "$probe/cmd"
	rc=0
	timeout 20 $(qemu_base kvm) -accel kvm -kernel "$VMLINUZ" \
		-initrd "$probe/initrd" -append "console=ttyS0 quiet" \
		-serial null -serial "file:$probe/out" >/dev/null 2>&1 || rc=$?
	if [ $rc -eq 0 ] && grep -q '@@mapdemo-exit' "$probe/out" 2>/dev/null; then
		echo "mapdemo: KVM guest reached init: KVM" >&2
		echo kvm | tee "$stamp"
	else
		echo "mapdemo: KVM guest did not reach init (status $rc): TCG" >&2
		echo tcg | tee "$stamp"
	fi
	rm -rf "$probe"
}

# Lines of a kernel log that are real reports, not Debian's benign
# "bug"-containing boot lines.
kernel_reports() {
	grep -aE 'Oops|BUG:|kernel BUG at|WARNING:|KASAN|UBSAN:|INFO: possible|possible circular locking|possible recursive locking|lockdep|Bad page (state|map)|general protection fault|Kernel panic|kmemleak: [0-9]+ new suspected|Call Trace:' "$1" |
		grep -avE 'lockdep: (enabled|disabled)|RCU lockdep checking is enabled' || true
}

# boot_guest INITRD TIMEOUT [interactive]
# Streams the guest's output; returns the guest's exit status, or 124 on
# a hang, or 125 when the guest gave no verdict.  Sets $workdir.
boot_guest() {
	local initrd=$1 limit=$2 mode=${3:-batch} accel rc stage console
	accel=$(choose_accel)
	used_accel=$accel
	console=$(arch_console "$GUEST_ARCH")
	echo "mapdemo: booting $KREL under $accel" >&2
	workdir=$(mktemp -d "$build/boot.XXXXXX")
	# oops=panic: an Oops ends the run at once (panic=-1 reboots, which
	# -no-reboot turns into qemu's exit) instead of leaving the test that
	# hit it, or its threads, stuck until the time limit
	# init_on_alloc=0: Debian's kernels zero every page they allocate
	# (CONFIG_INIT_ON_ALLOC_DEFAULT_ON), which would hide a driver that
	# hands out pages unzeroed from the suite's zeroing tests.
	# GUEST_ZEROING= (empty) keeps the kernel's default (make bench).
	local append="console=$console loglevel=7 oops=panic panic=-1 ${GUEST_ZEROING-init_on_alloc=0} ${KERNEL_CMDLINE:-}"
	local dtb
	dtb=$(dma_dt_args "$workdir" "$accel") || return 1
	[ -z "${DMA_DT:-}" ] || append="$append MAPDEMO_DMA_DT=$DMA_DT"
	if [ "$mode" = interactive ]; then
		$(qemu_base "$accel") -accel "$accel" -kernel "$VMLINUZ" $dtb \
			-initrd "$initrd" -append "$append" \
			-serial mon:stdio -chardev "file,id=out,path=$workdir/out.log" \
			$(arch_out_args "$GUEST_ARCH" out)
		return 0
	fi
	{
		timeout "$limit" $(qemu_base "$accel") ${QEMU_EXTRA_ARGS:-} -accel "$accel" \
			-kernel "$VMLINUZ" $dtb -initrd "$initrd" -append "$append" \
			-serial "file:$workdir/kernel.log" \
			-chardev stdio,id=out,signal=off $(arch_out_args "$GUEST_ARCH" out) \
			< /dev/null
		echo $? > "$workdir/qemu.rc"
	} | tr -d '\r' | tee "$workdir/out.log" | { grep -av '^@@mapdemo' || true; }
	rc=$(cat "$workdir/qemu.rc")
	if [ $rc -eq 124 ]; then
		stage=$(grep -ao '^@@mapdemo-stage .*' "$workdir/out.log" | tail -n1 | cut -d' ' -f2-)
		echo "mapdemo: guest hung in stage '${stage:-kernel boot}', killed after ${limit}s" >&2
		return 124
	fi
	rc=$(sed -n 's/^@@mapdemo-exit \([0-9]*\)$/\1/p' "$workdir/out.log" | tail -n1)
	if [ -z "$rc" ]; then
		stage=$(grep -ao '^@@mapdemo-stage .*' "$workdir/out.log" | tail -n1 | cut -d' ' -f2-)
		echo "mapdemo: guest stopped in stage '${stage:-kernel boot}' and gave no verdict (kernel log: $workdir/kernel.log)" >&2
		tail -n 20 "$workdir/kernel.log" >&2
		return 125
	fi
	return "$rc"
}

# Print the kernel's reports from the last boot; false if there were any.
kernel_log_clean() {
	local reports
	reports=$(kernel_reports "$workdir/kernel.log")
	[ -z "$reports" ] && return 0
	echo "mapdemo: the guest kernel reported:" >&2
	echo "$reports" | sed 's/^/  /' >&2
	return 1
}

# Build the module and the userspace binaries for the configured kernel.
build_all() {
	make -C "$top" -s build >&2 || die "build failed"
}
