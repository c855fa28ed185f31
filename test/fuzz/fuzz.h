/*
 * fuzz.h
 *		Shared pieces of the libFuzzer harnesses of src/core.
 *
 * Each harness feeds its input to one decoder or parser and, when the
 * input is accepted, checks properties every valid value has (it encodes
 * back to the same bytes, its accessors stay in range).  A broken property
 * aborts, so libFuzzer keeps the input as a crash like any sanitizer report.
 */
#ifndef CA_FUZZ_H
#define CA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test_alloc.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The input as a NUL-terminated string (cut at its first NUL). */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char	   *s = test_xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Little-endian reads of a few bytes of input, zero past its end. */
static inline uint64_t
fuzz_take(const uint8_t **data, size_t *size, int nbytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < nbytes; i++)
	{
		if (*size > 0)
		{
			v |= (uint64_t) **data << (8 * i);
			(*data)++;
			(*size)--;
		}
	}
	return v;
}

#endif							/* CA_FUZZ_H */
