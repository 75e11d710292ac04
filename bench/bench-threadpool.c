/* bench-threadpool - a pool of threads created once and reused, as the course's ThreadPoolExecutor. */
#include "harness.h"

extern const struct cb_model cb_model_threadpool;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_threadpool);
}
