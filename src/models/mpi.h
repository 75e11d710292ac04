/*
 * mpi.h - the two halves of bench-mpi: the world (MPI ranks running the kernels, mpi.c)
 * and the launcher (this machine, one `mpirun -np p` per worker count, mpilaunch.c).
 *
 * bench-mpi started by mpirun (or any MPI launcher) is one rank of a world and measures
 * p = the world's size. Started plainly, it is the launcher: it checks the command line,
 * then runs itself under mpirun once per worker count in --workers and writes the rows of
 * every world as one CSV, so it takes the same command line as every other model.
 */
#ifndef CB_MODELS_MPI_H
#define CB_MODELS_MPI_H

#include "harness.h"

/* The model descriptor (name "mpi"). */
extern const struct cb_model cb_model_mpi;

/* 1 if this process was started by an MPI launcher (its environment says so). */
int cb_mpi_in_world(void);

/* bench-mpi's main: the world's rank, or the launcher. Returns the exit status. */
int cb_mpi_main(int argc, char **argv);

/* The launcher (see above). Returns the exit status: that of the first world that failed,
 * 4 when a rank died (the rank named on stderr), 2 for a bad command line. */
int cb_mpi_launch(int argc, char **argv, const struct cb_model *model);

/* The environment variable in which the launcher passes cb_now() at the moment it started
 * mpirun, so rank 0 can report how long the world took to start. */
#define CB_MPI_T0_ENV "CB_MPI_T0"

#endif
