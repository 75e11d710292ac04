"""concurrency-bench's driver: runs the benchmark binaries, keeps their files whole, asks
bench-summary and bench-stats for every statistic and gnuplot for every chart.

The C binaries measure and compute; this package only decides what to run, in which
order, and where the files go. Entry point: scripts/cbench.py (see its --help)."""
