/* bench-procs - p worker processes created in each repetition (fork or spawn), as the
 * course's Process examples, with results through a pipe, queue, socket or shared memory. */
#include "harness.h"

extern const struct cb_model cb_model_procs;

int main(int argc, char **argv)
{
    return cb_main(argc, argv, &cb_model_procs);
}
