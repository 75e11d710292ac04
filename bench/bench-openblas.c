/* bench-openblas - matmul by OpenBLAS's cblas_dgemm on p threads, the tuned reference. */
#include "harness.h"

extern const struct cb_model cb_model_openblas;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_openblas);
}
