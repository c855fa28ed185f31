/*
 * ca_funcapi.h
 *		Server headers for building composite results.
 *
 * Some inline functions in these headers leave parameters unused, which
 * -Wextra reports; the warning is silenced for these includes only.
 */
#ifndef CA_FUNCAPI_H
#define CA_FUNCAPI_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/htup_details.h"
#include "funcapi.h"
#pragma GCC diagnostic pop

#endif							/* CA_FUNCAPI_H */
