/*
 * validate.h - model-driven input validation (see validate.c).
 */
#ifndef DRILLSIM_VALIDATE_H
#define DRILLSIM_VALIDATE_H

struct call;

/* Checks c->in against the operation's input shape. Returns SIM_OK, or SIM_ERROR with the
 * service's validation error set on the call. */
int validate_input(struct call *c);

#endif
