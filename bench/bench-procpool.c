/* bench-procpool - a pool of worker processes created once, fed chunks through a shared
 * queue, as the course's Pool.map and ProcessPoolExecutor. */
#include "harness.h"

extern const struct cb_model cb_model_procpool;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_procpool);
}
