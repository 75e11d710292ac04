/* bench-openmp - the kernels under #pragma omp parallel for, with the suite's schedules. */
#include "harness.h"

extern const struct cb_model cb_model_openmp;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_openmp);
}
