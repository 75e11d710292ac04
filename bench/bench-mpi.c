/* bench-mpi - MPI ranks (Open MPI), each computing its block: under mpirun one world
 * measures p = its size; started plainly, it runs mpirun itself for every count of
 * --workers (src/models/mpi.h). */
#include "models/mpi.h"

int main(int argc, char **argv)
{
    return cb_mpi_main(argc, argv);
}
