# Every target's value as a ratio of its limit, a bar per kernel
# (tests/bench/compare): at or under 1 a target of "at most" is met.
# Set from the command line: data, png, n (the kernels).
set terminal pngcairo size 1400,800 noenhanced font ",9"
set output png
set title "mapdemo: targets per kernel, measured / limit (at most 1: met; none: n/a)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -40 left
set ylabel "measured / limit (log)"
set logscale y
set grid ytics
set key outside right top
set bmargin 14
set rmargin 16
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2
plot for [i=2:n+1] data using i:xtic(1) title columnheader(i)
