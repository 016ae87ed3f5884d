# Cost per 4 KiB page against mapping size, one line a mode and reference.
# Set from the command line: data (gnuplot data of mapdemo-bench --plot),
# png (output), nseries (its blocks), accel and kernel (for the title).
set terminal pngcairo size 1100,700 noenhanced font ",10"
set output png
set title sprintf("mapdemo: mmap + write every page + munmap, per page (%s, %s; median, bars min-max)", kernel, accel)
set logscale xy
set xlabel "mapping size (KiB)"
set ylabel (strstrt(accel, "icount") ? "guest instructions (icount ns) per 4 KiB page" : "ns per 4 KiB page")
set xtics ("4K" 4, "16K" 16, "64K" 64, "256K" 256, "1M" 1024, "4M" 4096, "16M" 16384, "64M" 65536, "256M" 262144)
set grid
set key outside right top

plot for [i=0:nseries-1] data index i using 1:2:3:4 with yerrorlines title columnheader(2)
