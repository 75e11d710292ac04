/* bench-seq - the sequential baseline: the kernel over the whole range on one thread. */
#include "harness.h"

extern const struct cb_model cb_model_seq;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_seq);
}
