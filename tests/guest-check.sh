#!/bin/sh
# What the guest runs for make check: the suite as KTAP
# (tests/mapdemo-suite, the installed tests' runner too), with the
# harness's stage lines; qemu/check counts its results.
MAPDEMO_STAGES=1 exec sh /mapdemo/bin/mapdemo-suite
