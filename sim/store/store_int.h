/* store_int.h - private to sim/store/. */
#ifndef DRILLSIM_STORE_INT_H
#define DRILLSIM_STORE_INT_H

extern const char *const store__migrations[];

#endif
