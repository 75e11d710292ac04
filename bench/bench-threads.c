/* bench-threads - p POSIX threads created in each repetition, as the course's Thread examples. */
#include "harness.h"

extern const struct cb_model cb_model_threads;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_threads);
}
