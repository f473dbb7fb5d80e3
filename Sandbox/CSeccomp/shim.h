#ifndef RINGFENCE_CSECCOMP_SHIM_H
#define RINGFENCE_CSECCOMP_SHIM_H
#include <seccomp.h>
#endif
